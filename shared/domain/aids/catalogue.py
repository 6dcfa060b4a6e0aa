"""The catalogue of aids, kept as data: one YAML file per aid.

Why data and not code: an aid is added, corrected or retired far more often than
the engine changes, and every entry must be reviewable by someone who reads law,
not Python. Each file under ``catalogue/`` says what the aid is, who pays it, how
its amount is obtained, which supporting documents the vault must hold for it
(R9), how to apply (R7), its legal basis, and when it entered our catalogue —
the date smart alerts use to tell beneficiaries about *new* aids (R5).

How an amount is obtained is one of two things:

* ``kind: openfisca`` — the OpenFisca-France variable that computes it (the
  engine is the source of truth for amounts and thresholds);
* ``kind: rule`` — for aids OpenFisca does not compute: a declarative condition
  on questionnaire answers (``all``/``any``/``not`` of ``{field, op, value}``),
  evaluated with three-valued logic so a missing answer means "unknown", never
  "not eligible". Every field a rule reads is declared in ``rule_fields.yaml``,
  which is how the questionnaire proves each question is needed (R6).

Amounts are shown *as paid*: ``paid_net_of: [crds]`` marks the aids whose
engine amount is gross of the CRDS the paying body withholds (family benefits,
the prime d'activité), so results deduct it; an aid without it is paid as the
engine computes it (housing aids are already net in OpenFisca; the RSA, AAH,
ASPA and AEEH are not subject).

This module is pure domain: it imports neither ``google.cloud`` nor
``openfisca`` (``signup`` must stay light at cold start). The test suite checks
every OpenFisca reference against the installed engine instead.

Bank details are never collected (§2.1.4 of the policy): the document
vocabulary refuses any RIB/IBAN-like entry, whatever the YAML says.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

import yaml
from pydantic import (
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    field_validator,
    model_validator,
)

from shared.domain import yaml_documents
from shared.domain.strict import BilingualText, FrozenStrictModel

__all__ = [
    "BANK_DETAIL_PATTERN",
    "BMAF_PARAMETER",
    "CATALOGUE_DIR",
    "CRDS_PARAMETER",
    "DEDUCTION_PARAMETERS",
    "OFFICIAL_DOMAINS",
    "Aid",
    "AllOf",
    "AnyOf",
    "ApplyInfo",
    "Catalogue",
    "CatalogueError",
    "Computation",
    "Condition",
    "Deduction",
    "DocumentType",
    "FixedParameterAmount",
    "LegalReference",
    "NotComputedAmount",
    "NotOf",
    "OpenFiscaComputation",
    "RuleComputation",
    "RuleField",
    "RuleNode",
    "Territory",
    "ToCheckWhen",
    "evaluate_rule",
    "is_official_url",
    "load_catalogue",
    "load_catalogue_from",
    "rule_fields_of",
]

_HERE = Path(__file__).resolve().parent
CATALOGUE_DIR = _HERE / "catalogue"
DOCUMENTS_FILE = _HERE / "documents.yaml"
RULE_FIELDS_FILE = _HERE / "rule_fields.yaml"

#: Hosts (and their sub-domains) a catalogue link may point to. Links are shown
#: to beneficiaries as "the official place to apply": an unofficial or
#: look-alike domain would be a phishing vector, so a new domain is a deliberate
#: code change reviewed like any other.
OFFICIAL_DOMAINS: frozenset[str] = frozenset(
    {
        "actionlogement.fr",
        "ameli.fr",
        "caf.fr",
        "chequeenergie.gouv.fr",
        "complementaire-sante-solidaire.gouv.fr",
        "education.gouv.fr",
        "etudiant.gouv.fr",  # includes messervices.etudiant.gouv.fr
        "francetravail.fr",
        "info-retraite.fr",
        "lassuranceretraite.fr",
        "legifrance.gouv.fr",
        "mesdroitssociaux.gouv.fr",
        "monparcourshandicap.gouv.fr",
        "msa.fr",
        "paris.fr",
        "pour-les-personnes-agees.gouv.fr",
        "service-public.fr",
        "service-public.gouv.fr",
    }
)

#: Anything that looks like a bank detail. The policy (§2.1.4) says payment
#: means and bank details of beneficiaries are never collected, so no document
#: type, and hence no vault slot, may ever ask for one.
BANK_DETAIL_PATTERN = re.compile(
    r"((?<![a-z])(rib|iban|bic|swift)(?![a-z])|bank|bancaire|banque)",
    re.IGNORECASE,
)

_IDENTIFIER = r"^[a-z][a-z0-9_]*$"
Identifier = Annotated[str, StringConstraints(pattern=_IDENTIFIER)]
#: OpenFisca names are snake_case too, but a few carry capitals (e.g. ``aide_logement_R0``).
OpenFiscaName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_]*$")]
NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
#: A cerfa number, with its version when we are sure of it ("15481*01").
CerfaNumber = Annotated[str, StringConstraints(pattern=r"^\d{5}(\*\d{2})?$")]

Institution = Literal[
    "action_logement",
    "asp",
    "caf",
    "carsat",
    "commune",
    "cpam",
    "crous",
    "departement",
    "education_nationale",
    "etat",
    "france_travail",
    "mdph",
    "mission_locale",
    "msa",
]
Periodicity = Literal["monthly", "yearly", "one_off"]
TaxNoticeYear = Literal["n_minus_2", "latest"]
"""Which income year an aid asking for a tax notice reads: ``n_minus_2`` for means tests
on the income of year N-2 (the CAF family benefits), ``latest`` for the latest notice
the DGFiP has sent (shared/domain/vault/checklist.py says when that changes)."""
Entity = Literal["individu", "famille", "menage", "foyer_fiscal"]


class CatalogueError(ValueError):
    """The catalogue on disk is inconsistent; the message names the file."""


class _Strict(FrozenStrictModel):
    """Unknown keys are errors: a typo in a YAML file must fail, not vanish."""


def is_official_url(url: str, domains: frozenset[str] = OFFICIAL_DOMAINS) -> bool:
    """True for an ``https`` URL whose host is, or is under, one of ``domains``."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or not host:
        return False
    return any(host == d or host.endswith("." + d) for d in domains)


def _official(url: str) -> str:
    if not is_official_url(url):
        raise ValueError(f"not an https URL on an official domain: {url!r}")
    return url


OfficialUrl = Annotated[str, StringConstraints(strip_whitespace=True, min_length=9)]


class Territory(_Strict):
    """Where a local aid applies (INSEE code of the commune/département/région)."""

    kind: Literal["commune", "departement", "region"]
    code: Annotated[str, StringConstraints(pattern=r"^[0-9][0-9AB][0-9]{0,3}$")]
    name: NonEmpty


# --- computation: OpenFisca --------------------------------------------------


class OpenFiscaComputation(_Strict):
    """The aid is computed by an OpenFisca variable.

    ``output`` says how to read the value, because OpenFisca conventions vary:

    * ``amount`` — money paid for ``period`` (a month or a year);
    * ``annual_amount`` — a monthly variable that holds the *yearly* amount
      (e.g. ``bourse_college``: "Montant annuel", definition period month);
    * ``monthly_contribution`` — what the household *pays* each month to get
      the aid (``css_participation_forfaitaire``: 8 € to 30 € a month per
      person by age, service-public.fr F10027); a positive value means eligible.
      Never shown as money received;
    * ``eligibility`` — a boolean variable (e.g. ``cmu_c`` for the free CSS).

    ``key_variables`` are the intermediate variables that explain a result to
    a beneficiary or a support agent (resource base, ceilings, conditions).
    ``extension`` names the OpenFisca extension that defines the variable, for
    local aids; the simulation must skip the aid when that extension is absent.
    """

    kind: Literal["openfisca"]
    variable: OpenFiscaName
    period: Literal["month", "year"]
    entity: Entity
    output: Literal["amount", "annual_amount", "monthly_contribution", "eligibility"] = "amount"
    key_variables: tuple[OpenFiscaName, ...] = Field(min_length=1)
    extension: Literal["openfisca_france_local", "openfisca_paris"] | None = None

    @field_validator("key_variables")
    @classmethod
    def _unique_key_variables(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(value)) != len(value):
            raise ValueError("key_variables must not repeat")
        return value


# --- computation: declarative rule -------------------------------------------

Scalar = bool | int | float | str
RuleValue = Scalar | tuple[Scalar, ...]


class Condition(_Strict):
    """``answers[field] <op> value``. ``in``/``not_in`` take a list."""

    field: Identifier
    op: Literal["eq", "ne", "lt", "le", "gt", "ge", "in", "not_in"]
    value: RuleValue

    @model_validator(mode="after")
    def _value_shape(self) -> Condition:
        is_list = isinstance(self.value, tuple)
        if self.op in ("in", "not_in") and not is_list:
            raise ValueError(f"op {self.op!r} needs a list value")
        if self.op not in ("in", "not_in") and is_list:
            raise ValueError(f"op {self.op!r} needs a single value, not a list")
        if self.op in ("lt", "le", "gt", "ge") and (
            isinstance(self.value, bool) or not isinstance(self.value, int | float)
        ):
            raise ValueError(f"op {self.op!r} needs a number")
        return self


class AllOf(_Strict):
    """Every sub-rule holds."""

    all: tuple[RuleNode, ...] = Field(min_length=1)


class AnyOf(_Strict):
    """At least one sub-rule holds."""

    any: tuple[RuleNode, ...] = Field(min_length=1)


class NotOf(_Strict):
    """The sub-rule does not hold (YAML key ``not``)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    negated: RuleNode = Field(alias="not")


def _rule_tag(value: Any) -> str | None:
    """Route a YAML mapping to its node type by its key, for clear errors."""
    if isinstance(value, Mapping):
        for key in ("all", "any", "not"):
            if key in value:
                return key
        return "condition"
    tags: dict[type, str] = {AllOf: "all", AnyOf: "any", NotOf: "not", Condition: "condition"}
    return tags.get(type(value))


RuleNode = Annotated[
    Annotated[Condition, Tag("condition")]
    | Annotated[AllOf, Tag("all")]
    | Annotated[AnyOf, Tag("any")]
    | Annotated[NotOf, Tag("not")],
    Discriminator(_rule_tag),
]

AllOf.model_rebuild()
AnyOf.model_rebuild()
NotOf.model_rebuild()


class NotComputedAmount(_Strict):
    """We tell people they may be eligible, and why we give no figure."""

    kind: Literal["not_computed"]
    explanation: BilingualText


#: Where OpenFisca-France keeps the BMAF, for ``FixedParameterAmount.base == "bmaf"``.
BMAF_PARAMETER = "prestations_sociales.prestations_familiales.bmaf.bmaf"


#: Where OpenFisca-France keeps the CRDS rate (0,5 % since 1 February 1996; CGI
#: art. 1600-0 J, ordonnance n° 96-50 art. 19), for ``Aid.paid_net_of``.
CRDS_PARAMETER = "prelevements_sociaux.contributions_sociales.crds"

#: What a paying body may withhold from an aid before paying it (``Aid.paid_net_of``).
Deduction = Literal["crds"]

#: The OpenFisca parameter holding the rate of each deduction, read at the month simulated.
DEDUCTION_PARAMETERS: Mapping[str, str] = {"crds": CRDS_PARAMETER}


class FixedParameterAmount(_Strict):
    """A flat amount read from an OpenFisca *parameter* (never typed by hand).

    ``base: bmaf`` means the parameter is a rate of the BMAF (base mensuelle de
    calcul des allocations familiales, ``BMAF_PARAMETER``), as the law writes
    it: amount = parameter x BMAF at the same date.
    """

    kind: Literal["openfisca_parameter"]
    parameter: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")]
    unit: Literal["per_day", "per_month", "per_year", "one_off"]
    base: Literal["bmaf"] | None = None
    #: What the figure is (e.g. "full-rate amount"), shown next to it.
    meaning: BilingualText


Amount = Annotated[NotComputedAmount | FixedParameterAmount, Field(discriminator="kind")]


class RuleComputation(_Strict):
    """Eligibility decided by a declarative rule on questionnaire answers."""

    kind: Literal["rule"]
    rule: RuleNode
    amount: Amount


Computation = Annotated[OpenFiscaComputation | RuleComputation, Field(discriminator="kind")]


class ToCheckWhen(_Strict):
    """When the engine's "nothing" may only reflect inputs we never ask.

    OpenFisca computes some aids from facts the questionnaire does not ask (the
    mode and cost of childcare for the CMG, an adoption, a France Travail
    registration or a job about to start): the engine then returns 0 for every
    household, and "not eligible" would be a wrong answer. When the engine
    returns 0 and ``rule`` (a rule on ``rule_fields.yaml`` answers, like a rule
    aid's) is *true* for the household, the result is "to check", with
    ``because`` as the first line of its explanation. ``unasked_inputs`` names
    the OpenFisca inputs at stake; a test checks each is read by the aid and
    set by no question.
    """

    rule: RuleNode
    because: BilingualText
    unasked_inputs: tuple[OpenFiscaName, ...] = Field(min_length=1)


# --- how to apply, legal basis -----------------------------------------------


class ApplyInfo(_Strict):
    """Where and how to apply; the pre-filled forms of R7 start from ``form``.

    ``automatic`` aids (chèque énergie, prime de Noël) need no application;
    ``online_service`` then points to where to check or claim them.
    """

    online_service: OfficialUrl | None = None
    form: CerfaNumber | None = None
    automatic: bool = False
    note: BilingualText | None = None

    @field_validator("online_service")
    @classmethod
    def _official_service(cls, value: str | None) -> str | None:
        return None if value is None else _official(value)

    @model_validator(mode="after")
    def _some_way_to_apply(self) -> ApplyInfo:
        if self.online_service is None and self.form is None and not self.automatic:
            raise ValueError("an aid needs an online service, a form, or automatic: true")
        return self


class LegalReference(_Strict):
    """The legal basis, cited as text, with an official link to read it."""

    text: NonEmpty
    url: OfficialUrl

    @field_validator("url")
    @classmethod
    def _official_url(cls, value: str) -> str:
        return _official(value)


# --- the aid -----------------------------------------------------------------


class Aid(_Strict):
    """One aid of the catalogue (one YAML file; ``id`` is the file stem)."""

    id: Identifier
    label: BilingualText
    summary: BilingualText
    institution: Institution
    scope: Literal["national", "local"] = "national"
    territory: Territory | None = None
    computation: Computation
    periodicity: Periodicity
    #: Vault slots this aid needs (R9). Empty only for aids paid automatically.
    documents: tuple[Identifier, ...] = ()
    #: The income year a tax notice must cover for this aid; declared exactly when
    #: ``documents`` lists ``tax_notice`` (the vault's checklist reads it).
    tax_notice_income_year: TaxNoticeYear | None = None
    apply: ApplyInfo
    legal_reference: LegalReference
    published_at: date
    eligibility_hints: tuple[BilingualText, ...] = ()
    #: Internal note for maintainers (uncertain facts, links to re-check). Not shown.
    notes: str | None = None
    #: Contributions the paying body withholds from every payment of this aid, when
    #: the engine's amount is gross of them. The CRDS (0,5 %) is "précomptée par
    #: l'organisme débiteur" (ordonnance n° 96-50, art. 14 III) on the prestations
    #: familiales of CSS art. L511-1 except the AEEH, the aides personnelles au
    #: logement and the prime d'activité (art. 14 II 7°-9°). OpenFisca-France models
    #: it apart (``crds_pfam``, ``crds_ppa``) except for housing aids, whose variables
    #: are already net (``crds_logement``): only aids whose engine amount is gross
    #: declare it. Results show amounts as paid: gross minus these deductions.
    paid_net_of: tuple[Deduction, ...] = ()
    #: Engine aids that need inputs the questionnaire does not ask: when the
    #: engine gives 0 and this rule holds, the result is "to check", not "not eligible".
    to_check_when: ToCheckWhen | None = None

    @field_validator("documents")
    @classmethod
    def _unique_documents(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(value)) != len(value):
            raise ValueError("documents must not repeat")
        for doc in value:
            if BANK_DETAIL_PATTERN.search(doc):
                raise ValueError(f"bank details are never collected (policy §2.1.4): {doc!r}")
        return value

    @model_validator(mode="after")
    def _coherent(self) -> Aid:
        if not self.documents and not self.apply.automatic:
            raise ValueError("an aid one applies for must list its supporting documents")
        if ("tax_notice" in self.documents) != (self.tax_notice_income_year is not None):
            raise ValueError(
                "tax_notice_income_year is declared exactly when documents list tax_notice"
            )
        if (self.scope == "local") != (self.territory is not None):
            raise ValueError("a local aid needs a territory, and only a local aid has one")
        comp = self.computation
        if isinstance(comp, OpenFiscaComputation) and comp.extension and self.scope != "local":
            raise ValueError("only local aids come from an OpenFisca extension")
        if self.to_check_when is not None and not isinstance(comp, OpenFiscaComputation):
            raise ValueError("to_check_when is for aids the engine computes")
        if self.paid_net_of:
            if len(set(self.paid_net_of)) != len(self.paid_net_of):
                raise ValueError("paid_net_of must not repeat")
            if isinstance(comp, OpenFiscaComputation):
                pays_money = comp.output in ("amount", "annual_amount")
            else:
                pays_money = isinstance(comp.amount, FixedParameterAmount)
            if not pays_money:
                raise ValueError("paid_net_of needs an aid whose amount is computed")
        return self

    @property
    def is_openfisca(self) -> bool:
        """True when the engine computes the aid."""
        return isinstance(self.computation, OpenFiscaComputation)


# --- vocabularies ------------------------------------------------------------


class DocumentType(_Strict):
    """A supporting document the vault can hold (R9).

    ``special_category`` marks health data (GDPR art. 9): the vault must apply
    its strictest handling, and forms must let the user send it directly.
    """

    label: BilingualText
    special_category: bool = False

    @model_validator(mode="after")
    def _no_bank_details(self) -> DocumentType:
        for text in (self.label.fr, self.label.en):
            if BANK_DETAIL_PATTERN.search(text):
                raise ValueError(f"bank details are never collected (policy §2.1.4): {text!r}")
        return self


class RuleField(_Strict):
    """A questionnaire answer a rule may read, with its type."""

    type: Literal["bool", "int", "number", "enum"]
    label: BilingualText
    values: tuple[Identifier, ...] = ()

    @model_validator(mode="after")
    def _enum_values(self) -> RuleField:
        if (self.type == "enum") != bool(self.values):
            raise ValueError("values are required for, and only for, enum fields")
        return self

    def accepts(self, value: Scalar) -> bool:
        """True when ``value`` has this field's type (bool is not a number)."""
        if self.type == "bool":
            return isinstance(value, bool)
        if self.type == "int":
            return isinstance(value, int) and not isinstance(value, bool)
        if self.type == "number":
            return isinstance(value, int | float) and not isinstance(value, bool)
        return isinstance(value, str) and value in self.values


def rule_fields_of(node: RuleNode) -> Iterator[Condition]:
    """Every condition of a rule tree, depth first."""
    if isinstance(node, Condition):
        yield node
    elif isinstance(node, AllOf):
        for child in node.all:
            yield from rule_fields_of(child)
    elif isinstance(node, AnyOf):
        for child in node.any:
            yield from rule_fields_of(child)
    else:
        yield from rule_fields_of(node.negated)


_COMPARE: dict[str, Any] = {
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b,
    "gt": lambda a, b: a > b,
    "ge": lambda a, b: a >= b,
    "in": lambda a, b: a in b,
    "not_in": lambda a, b: a not in b,
}


def evaluate_rule(node: RuleNode, answers: Mapping[str, Any]) -> bool | None:
    """Evaluate a rule with Kleene three-valued logic.

    Returns ``None`` ("unknown") when the answers needed are missing, so the
    caller can ask the question or show "maybe" instead of wrongly excluding
    someone. ``all`` is False as soon as one part is False; ``any`` is True as
    soon as one part is True; otherwise an unknown part makes the whole unknown.
    """
    if isinstance(node, Condition):
        answer = answers.get(node.field)
        if answer is None:
            return None
        return bool(_COMPARE[node.op](answer, node.value))
    if isinstance(node, NotOf):
        inner = evaluate_rule(node.negated, answers)
        return None if inner is None else not inner
    results = [
        evaluate_rule(child, answers)
        for child in (node.all if isinstance(node, AllOf) else node.any)
    ]
    decisive = isinstance(node, AnyOf)  # True decides an `any`, False decides an `all`
    if decisive in results:
        return decisive
    if None in results:
        return None
    return not decisive


# --- the catalogue -----------------------------------------------------------


class Catalogue(_Strict):
    """All aids, with the vocabularies they refer to, checked for consistency."""

    aids: tuple[Aid, ...]
    documents: dict[Identifier, DocumentType]
    rule_fields: dict[Identifier, RuleField]
    #: Short sha256 of the catalogue files: stored with each simulation result so
    #: a result can be traced to the exact catalogue it was computed against.
    version: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{12}$")]

    @model_validator(mode="after")
    def _consistent(self) -> Catalogue:
        ids = [aid.id for aid in self.aids]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"duplicate aid ids: {duplicates}")
        for aid in self.aids:
            unknown = [d for d in aid.documents if d not in self.documents]
            if unknown:
                raise ValueError(f"{aid.id}: unknown document ids {unknown}")
            if isinstance(aid.computation, RuleComputation):
                for cond in rule_fields_of(aid.computation.rule):
                    self._check_condition(aid.id, cond)
            if aid.to_check_when is not None:
                for cond in rule_fields_of(aid.to_check_when.rule):
                    self._check_condition(aid.id, cond)
        return self

    def _check_condition(self, aid_id: str, cond: Condition) -> None:
        spec = self.rule_fields.get(cond.field)
        if spec is None:
            raise ValueError(f"{aid_id}: rule field {cond.field!r} is not in rule_fields.yaml")
        values = cond.value if isinstance(cond.value, tuple) else (cond.value,)
        for value in values:
            if not spec.accepts(value):
                raise ValueError(f"{aid_id}: {value!r} is not a valid {cond.field} ({spec.type})")
        if cond.op in ("lt", "le", "gt", "ge") and spec.type not in ("int", "number"):
            raise ValueError(f"{aid_id}: {cond.op!r} on non-numeric field {cond.field!r}")

    def get(self, aid_id: str) -> Aid:
        """The aid with this id; ``KeyError`` when it is not in the catalogue."""
        for aid in self.aids:
            if aid.id == aid_id:
                return aid
        raise KeyError(aid_id)

    def published_since(self, since: date, until: date | None = None) -> tuple[Aid, ...]:
        """Aids added strictly after ``since`` and, if given, on or before ``until``.

        Smart alerts (R5) pass the date of their previous run as ``since`` and
        today as ``until``, so an entry dated in the future is not announced
        before it is live, and re-running the same day announces nothing twice.
        """
        return tuple(
            aid
            for aid in sorted(self.aids, key=lambda a: (a.published_at, a.id))
            if aid.published_at > since and (until is None or aid.published_at <= until)
        )

    def openfisca_variables(self) -> tuple[str, ...]:
        """The OpenFisca variables the simulation must compute, in catalogue order."""
        return tuple(
            a.computation.variable
            for a in self.aids
            if isinstance(a.computation, OpenFiscaComputation)
        )


def _read_yaml(path: Path) -> Any:
    try:
        return yaml_documents.parse(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise CatalogueError(f"{path.name}: invalid YAML: {exc}") from exc


def _version(named_files: Iterable[tuple[str, Path]]) -> str:
    """Short sha256 over (name, content) of every file, in sorted name order.

    Names, not absolute paths, are hashed so the version is the same on every
    machine and in every deployed function.
    """
    digest = hashlib.sha256()
    for name, path in sorted(named_files):
        digest.update(name.encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:12]


def load_catalogue_from(
    catalogue_dir: Path,
    documents_file: Path,
    rule_fields_file: Path,
) -> Catalogue:
    """Load and validate a catalogue from explicit paths (tests use tmp dirs)."""
    aid_files = sorted(catalogue_dir.glob("*.yaml"))
    aids: list[Aid] = []
    for path in aid_files:
        raw = _read_yaml(path)
        if not isinstance(raw, dict):
            raise CatalogueError(f"{path.name}: expected a mapping")
        if raw.get("id") != path.stem:
            raise CatalogueError(f"{path.name}: id {raw.get('id')!r} must equal the file stem")
        try:
            aids.append(Aid.model_validate(raw))
        except ValueError as exc:
            raise CatalogueError(f"{path.name}: {exc}") from exc
    named = [(f"catalogue/{p.name}", p) for p in aid_files]
    named += [("documents.yaml", documents_file), ("rule_fields.yaml", rule_fields_file)]
    try:
        return Catalogue.model_validate(
            {
                "aids": aids,
                "documents": _read_yaml(documents_file) or {},
                "rule_fields": _read_yaml(rule_fields_file) or {},
                "version": _version(named),
            }
        )
    except ValueError as exc:
        raise CatalogueError(str(exc)) from exc


@lru_cache(maxsize=1)
def load_catalogue() -> Catalogue:
    """The catalogue shipped next to this module, loaded and validated once."""
    return load_catalogue_from(CATALOGUE_DIR, DOCUMENTS_FILE, RULE_FIELDS_FILE)


@lru_cache(maxsize=1)
def catalogue_aid_ids() -> tuple[str, ...]:
    """The ids of the catalogue's aids, sorted (what a request may name)."""
    return tuple(sorted(aid.id for aid in load_catalogue().aids))

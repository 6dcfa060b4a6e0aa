"""The OpenFisca adapter: plan, caches, and the shortcuts that must not change
anything (period memo, lazy parameters, skipped default inputs)."""

from __future__ import annotations

import io
import itertools
import json
import logging
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("openfisca_france")

from openfisca_core.simulation_builder import SimulationBuilder

from shared.adapters import openfisca as oe
from shared.adapters.openfisca import plan as plan_module
from shared.adapters.openfisca import speedups, system
from shared.domain.aids.catalogue import load_catalogue
from shared.domain.questionnaire import Household
from shared.models.simulation import SimulationResponse, last_supported_month
from shared.services import eligibility
from shared.structured_log import set_stream
from tests.fixtures.synthetic_households import synthetic_households
from tests.unit.simulation import steady_state_oracle as oracle

ROOT = Path(__file__).resolve().parents[3]


def engine() -> oe.FrenchEngine:
    return eligibility._engine(load_catalogue())


def test_month_window_covers_n_minus_2_to_december() -> None:
    window = oe.month_window("2025-05")
    assert window[0] == "2023-01" and window[-1] == "2025-12" and len(window) == 36


def test_plan_roles_and_history() -> None:
    household = oe.reference_households()[1]  # married couple, two children
    plan = oe.plan_household(household, "2025-05")
    assert plan.famille_role == ["demandeur", "conjoint", "enfant", "enfant"]
    assert plan.foyer_role == [
        "declarant_principal",
        "conjoint",
        "personne_a_charge",
        "personne_a_charge",
    ]
    salary = plan.columns["salaire_net"]
    assert salary.kind == "window" and salary.base[0] == 1500
    assert salary.overrides["2024-12"] == {0: 1700}
    af = plan.columns["af"]
    assert af.kind == "received" and af.base == [148.0]
    assert "2025-05" not in plan_module._months_of("2025-05", "received")


def test_defaults_table_matches_openfisca() -> None:
    system = engine().system
    for name, value in plan_module._DEFAULTS.items():
        default = system.variables[name].default_value
        assert getattr(default, "name", default) == value, name


def test_plan_inputs_are_all_known_to_openfisca() -> None:
    system = engine().system
    for name in oe.PLAN_INPUT_VARIABLES:
        assert name in system.variables, name


def test_period_memo_is_transparent() -> None:
    from openfisca_core.periods import DateUnit, Instant, Period

    oe.install_period_memo()
    originals = speedups._ORIGINAL_PERIOD_METHODS
    instants = [
        Instant((y, m, d)) for y, m, d in itertools.product((2023, 2024), (1, 2, 12), (1, 28))
    ]
    units = (DateUnit.MONTH, DateUnit.YEAR, DateUnit.DAY)
    offsets: tuple[int | str, ...] = (-13, -1, 0, 2, "first-of")
    for instant, unit, offset in itertools.product(instants, units, offsets):
        assert instant.offset(offset, unit) == originals["Instant.offset"](instant, offset, unit)
    for instant, unit, size in itertools.product(instants, (DateUnit.MONTH, DateUnit.YEAR), (1, 3)):
        start = originals["Instant.offset"](instant, "first-of", unit)
        period = Period((unit, start, size))
        for name, original in originals.items():
            if not name.startswith("Period."):
                continue
            attribute = name.split(".", 1)[1]
            if attribute in ("offset", "get_subperiods"):
                continue
            assert getattr(period, attribute) == original.fget(period), name
        assert period.offset(-1) == originals["Period.offset"](period, -1)
        if unit == DateUnit.YEAR:
            assert period.get_subperiods(DateUnit.MONTH) == originals["Period.get_subperiods"](
                period, DateUnit.MONTH
            )


def test_vectorial_parameter_lookup_is_transparent() -> None:
    """Parameters indexed by a vector (zone names, counts, date brackets, and
    a second key on the result) give the nodes and the leaf arrays, values
    and dtypes, that OpenFisca's element-by-element lookup gives."""
    from openfisca_core.indexed_enums import Enum
    from openfisca_core.parameters import ParameterNode

    oe.install_vectorial_parameter_lookup()
    original_build = speedups._ORIGINAL_VECTORIAL_METHODS["build_from_node_name"]
    original_getitem = speedups._ORIGINAL_VECTORIAL_METHODS["__getitem__"]

    def leaf(value: float | int) -> dict[str, object]:
        return {"values": {"2020-01-01": {"value": value}}}

    def pair(base: float, count: int) -> dict[str, object]:
        return {"montant": leaf(base), "nombre": leaf(count)}

    tree = ParameterNode(
        "root",
        data={
            "zone": {f"zone_{z}": pair(100.5 * z, z) for z in (1, 2, 3)},
            "par_nombre": {str(n): pair(10.25 * n, n) for n in range(4)},
            "par_date": {
                "before_2000_01_01": pair(1.0, 1),
                "after_2000_01_01": pair(2.0, 2),
                "after_2010_06_01": pair(3.0, 3),
            },
        },
    )
    at = tree.get_at_instant("2024-01-01")
    rng = np.random.default_rng(7)
    zones = np.array([f"zone_{z}" for z in rng.integers(1, 4, 200)])
    counts = rng.integers(0, 4, 200)
    dates = np.datetime64("1995-01-01") + rng.integers(0, 365 * 25, 200).astype("timedelta64[D]")

    class Zone(Enum):
        zone_1 = "Zone 1"
        zone_2 = "Zone 2"
        zone_3 = "Zone 3"

    enum_keys = Zone.encode(zones)
    for node, keys in (
        (at.zone, zones),
        (at.zone, enum_keys),
        (at.par_nombre, counts),
        (at.par_date, dates),
    ):
        fast = node[keys]
        slow = original_build(node, keys)
        for child in ("montant", "nombre"):
            got, expected = fast[child], original_getitem(slow, child)
            assert got.dtype == expected.dtype
            np.testing.assert_array_equal(got, expected)
        assert [id(n) for n in fast.vector] == [id(n) for n in slow.vector]
    # A node already vectorial, indexed again by a vector of keys (a grid of
    # amounts by zone and by number of persons).
    grid = ParameterNode(
        "grid",
        data={f"zone_{z}": {str(n): pair(z + n / 4, n) for n in range(4)} for z in (1, 2, 3)},
    ).get_at_instant("2024-01-01")
    names = counts.astype(str)
    fast = grid[zones][names]
    slow = original_getitem(original_build(grid, zones), names)
    for child in ("montant", "nombre"):
        got, expected = fast[child], original_getitem(slow, child)
        assert got.dtype == expected.dtype
        np.testing.assert_array_equal(got, expected)
    assert len(set(fast["montant"])) > 6  # every zone and count met: not a vacuous grid


def test_lazy_parameters_equal_the_stock_tree() -> None:
    system = engine().system
    lazy = system.get_parameters_at_instant("2025-05-01")
    stock = system.parameters.get_at_instant("2025-05-01")
    rsa = (
        "prestations_sociales.solidarite_insertion.minima_sociaux.rsa.rsa_m.montant_de_base_du_rsa"
    )
    bmaf = "prestations_sociales.prestations_familiales.bmaf.bmaf"
    for path in (rsa, bmaf):
        a, b = lazy, stock
        for part in path.split("."):
            a, b = getattr(a, part), getattr(b, part)
        assert float(a) == float(b)
    node = lazy.prestations_sociales.prestations_familiales
    assert sorted(node._children) == sorted(
        stock.prestations_sociales.prestations_familiales._children
    )


def test_batch_is_one_simulation_with_the_same_values() -> None:
    households = synthetic_households(30, "2025-05", seed=11)
    eng = engine()
    together = eng.evaluate_batch(households, "2025-05")
    alone = [eng.evaluate_batch([h], "2025-05")[0] for h in households[:5]]
    assert together[:5] == alone


def test_profile_is_cached_on_disk(tmp_path: Path) -> None:
    aids = engine().aids
    first = oe.FrenchEngine(aids, cache_dir=tmp_path)
    profile = first.profile
    assert profile.pruned and any(tmp_path.glob("profile-*.pickle"))
    assert any(tmp_path.glob("parameters-*.pickle"))
    again = oe.FrenchEngine(aids, cache_dir=tmp_path)
    assert again.profile.pruned == profile.pruned


def test_stale_parameters_are_flagged() -> None:
    eng = engine()
    # The RSA parameters are checked up to some date in OpenFisca-France:
    # far in the future every amount is flagged, never presented as certain.
    assert eng.stale_since("rsa", "2031-01") is not None
    # Months the release's legislation covers are certain, e.g. the RSA revalued
    # in April 2025 (its parameter still carries an older check date).
    assert eng.stale_since("rsa", "2025-05") is None
    known = eng.legislation_known_until
    assert eng.stale_since("rsa", f"{known.year + 1}-{known.month:02d}") == known
    report_2025 = eligibility.evaluate(oe.reference_households()[0], "2025-05")
    assert all(r.amount_certain for r in report_2025.results if r.status == "eligible")
    # Simulations stop 12 months ahead: the farthest one is flagged too.
    with pytest.raises(ValueError, match="month must be from 2024-01"):
        eligibility.evaluate(oe.reference_households()[0], "2031-01")
    report = eligibility.evaluate(oe.reference_households()[0], last_supported_month())
    rsa = next(r for r in report.results if r.aid_id == "rsa")
    assert rsa.amount_certain is False
    assert any("à confirmer" in line.fr for line in rsa.explanation)


def test_report_is_deterministic_and_totals_monthly_amounts() -> None:
    household = oe.reference_households()[2]
    first = eligibility.evaluate(household, "2025-05")
    second = eligibility.evaluate(household, "2025-05")
    assert first.model_dump() == second.model_dump()
    expected = sum(r.monthly_amount or 0 for r in first.results if r.status == "eligible")
    assert first.monthly_total == pytest.approx(expected, abs=0.01)
    assert first.engine_version == eng_version()
    statuses = {r.status for r in first.results}
    assert statuses <= {"eligible", "not_eligible", "to_check"}


def eng_version() -> str:
    return engine().france_version


def test_local_aids_only_for_their_territory() -> None:
    lille = Household.model_validate(
        {
            "persons": [
                {
                    "id": "a",
                    "relationship": "applicant",
                    "birth_date": "1950-01-01",
                    "activity": "retired",
                    "disability_rate": 80,
                }
            ],
            "housing": {"status": "owner", "commune": "59350"},
        }
    )
    report = eligibility.evaluate(lille, "2025-05")
    for result in report.results:
        if result.aid_id.startswith("paris_"):
            assert result.status == "not_eligible"


def test_cli_prints_the_api_json(tmp_path: Path) -> None:
    answers = tmp_path / "household.json"
    answers.write_text(
        json.dumps(
            {
                "persons": [{"id": "a", "relationship": "applicant", "birth_date": "1990-01-01"}],
                "housing": {"status": "tenant", "rent": 500, "commune": "75056"},
            }
        )
    )
    from shared.cli import main

    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from shared.cli import main; sys.exit(main(sys.argv[1:]))",
            "simulate",
            str(answers),
            "--month",
            "2025-05",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    report = eligibility.evaluate(Household.model_validate_json(answers.read_text()), "2025-05")
    # The API's anonymous answer, not the bare report.
    expected = SimulationResponse(report=report, stored=False).model_dump(mode="json")
    assert printed == expected
    assert printed["stored"] is False and printed["simulation_id"] is None
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"persons": [], "housing": {"status": "tenant", "commune": "x"}}))
    assert main(["simulate", str(bad)]) == 2


def test_engine_warnings_are_structured_log_events(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The engine logs through ``log_event`` (fixed vocabulary, no personal data),
    not stdlib logging, and never with an exception's message or a path."""
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    buffer = io.StringIO()
    set_stream(buffer)
    try:
        with caplog.at_level(logging.DEBUG):
            system._write_atomically(blocker / "cache" / "profile.pickle", b"x")
    finally:
        set_stream(None)
    assert caplog.records == []
    [line] = [json.loads(text) for text in buffer.getvalue().splitlines()]
    assert line["severity"] == "WARNING"
    assert line["component"] == "openfisca_engine"
    assert line["reason"] in {"FileExistsError", "NotADirectoryError"}  # a type, no message
    assert str(tmp_path) not in buffer.getvalue()


def test_signup_path_does_not_import_openfisca() -> None:
    code = (
        "import sys, shared.services.eligibility, shared.adapters.openfisca;"
        "bad=[m for m in sys.modules if m.startswith('openfisca')]; sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=False)
    assert done.returncode == 0


def test_numpy_arrays_are_not_shared_between_months() -> None:
    eng = engine()
    plan = oe.plan_household(oe.reference_households()[1], "2025-05")
    simulation = oe.build_simulation(eng.system, plan)
    a = simulation.get_holder("salaire_net").get_array("2025-01")
    b = simulation.get_holder("salaire_net").get_array("2025-02")
    assert a is not b and np.array_equal(a, b)


def test_commune_codes_match_openfisca() -> None:
    """The embedded commune codes are exactly those OpenFisca-France zones."""
    import csv
    import importlib.util

    from shared.domain.questionnaire import _known_communes

    spec = importlib.util.find_spec("openfisca_france")
    assert spec is not None and spec.origin is not None
    assets = Path(spec.origin).parent / "assets"
    codes: set[str] = set()
    for name, delimiter in (
        ("zonage-communes/zonage-abc-juillet-2024.csv", ";"),
        ("apl/20110914_zonage.csv", ","),
    ):
        with (assets / name).open(encoding="utf-8") as handle:
            rows = csv.reader(handle, delimiter=delimiter)
            next(rows)
            codes |= {row[0].strip() for row in rows if len(row[0].strip()) == 5}
    assert _known_communes() == frozenset(codes)


def test_history_at_zero_is_what_openfisca_computes() -> None:
    """Before the window, the declared resources the engine answers as 0
    without running their formulas are 0 when OpenFisca runs them: payroll,
    pension and unemployment chains of the reference and generated households,
    every month of years N-6 to N-3 (the oldest the settled months read)."""
    month = "2025-05"
    households = [*oe.reference_households(), *synthetic_households(40, month, seed=11)]
    plan = oe.plan_households(households, month)
    simulation = speedups.build_simulation(engine().system, plan)
    simulation.history_start = None  # every formula runs, as stock OpenFisca does
    before = [f"{year}-{m:02d}" for year in range(2019, 2023) for m in range(1, 13)]
    assert oe.month_window(month)[0] > before[-1]
    for name in sorted(plan_module.HISTORY_AT_ZERO):
        for period in before:
            values = np.asarray(simulation.calculate(name, period))
            assert not values.any(), f"{name} {period}: {values[values != 0][:5]}"


def test_never_described_is_what_openfisca_computes() -> None:
    """What no answer can describe (an apprenticeship, an accident-at-work
    annuity) computes to its default when OpenFisca runs its formulas, every
    month of the window, on the reference and generated households (young
    adults and salaried people included)."""
    month = "2025-05"
    households = [*oe.reference_households(), *synthetic_households(40, month, seed=12)]
    simulation = SimulationBuilder().build_from_entities(
        engine().system, oracle.situation(households, month)
    )
    assert type(simulation).__name__ == "Simulation"  # OpenFisca's own, no shortcut
    for name in sorted(plan_module.NEVER_DESCRIBED):
        for period in oe.month_window(month):
            values = np.asarray(simulation.calculate(name, period))
            assert not values.any(), f"{name} {period}: {values[values != 0][:5]}"


def test_history_at_zero_skips_the_chains() -> None:
    """The engine's simulation answers those months 0 without a formula run."""
    month = "2025-05"
    plan = oe.plan_household(oe.reference_households()[1], month)  # a salary, a pension-free couple
    simulation = speedups.build_simulation(engine().system, plan)
    runs: list[str] = []
    original = type(simulation)._run_formula

    def counting(self, variable, population, period):  # type: ignore[no-untyped-def]
        runs.append(variable.name)
        return original(self, variable, population, period)

    type(simulation)._run_formula = counting  # type: ignore[method-assign]
    try:
        assert not np.asarray(simulation.calculate("salaire_imposable", "2021-03")).any()
        assert runs == []
        simulation.calculate("salaire_imposable", "2023-03")  # in the window: the input
        simulation.calculate("indemnites_journalieres", "2021-03")  # not a declared resource
        assert "indemnites_journalieres" in runs
    finally:
        type(simulation)._run_formula = original  # type: ignore[method-assign]

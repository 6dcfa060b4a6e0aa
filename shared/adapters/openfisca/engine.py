"""The engine: one household or a batch in, aid amounts and key figures out.

Built once per process (:func:`get_engine`): the system, the pruning profile,
the legislation horizon for "à confirmer" flags.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import importlib
import importlib.metadata
import importlib.util
import threading
from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from shared.domain.months import first_day
from shared.domain.questionnaire import (
    Household,
)

if TYPE_CHECKING:  # pragma: no cover - typing only
    from openfisca_core.simulations import Simulation
    from openfisca_core.taxbenefitsystems import TaxBenefitSystem
from shared.adapters.openfisca.plan import (
    BIRTH_GRANTS,
    AidVariable,
    Plan,
    birth_grant_month,
    plan_household,
    plan_households,
)
from shared.adapters.openfisca.pruning import Profile, _walk, derive_profile
from shared.adapters.openfisca.reference_households import reference_households
from shared.adapters.openfisca.speedups import (
    build_simulation,
    install_period_memo,
    install_vectorial_parameter_lookup,
    simulation_of,
)
from shared.adapters.openfisca.steady_state import (
    QUARTERLY_AIDS,
    STEADY_STATE_ORDER,
    hold_at_zero,
    ruled_out_benefits,
    settle,
    settle_months,
)
from shared.adapters.openfisca.system import (
    PROFILE_VERSION,
    EngineCache,
    _build_system,
    _installed_versions,
    _warn,
    default_cache_dir,
    install_tables,
    parsed_tables,
)


class FrenchEngine:
    """The tax-benefit system and what we derived about it, built once per process."""

    def __init__(
        self,
        aids: Sequence[AidVariable],
        cache_dir: Path | None = None,
        derive: bool = True,
    ) -> None:
        self.cache_dir = cache_dir if cache_dir is not None else default_cache_dir()
        wanted = sorted({a.extension for a in aids if a.extension})
        # A deployment without an extension skips its local aids (catalogue rule).
        self.extensions = tuple(e for e in wanted if importlib.util.find_spec(e) is not None)
        if len(self.extensions) != len(wanted):
            absent = sorted(set(wanted) - set(self.extensions))
            _warn("openfisca extensions not installed", ", ".join(absent), len(absent))
        self.aids = tuple(aids)
        self.versions = _installed_versions(self.extensions)
        # The package's read-only cache first (built with the package), then cache_dir.
        self.cache = EngineCache(self.cache_dir, self.versions)
        install_period_memo()
        install_vectorial_parameter_lookup()
        self.system = self._load_system()
        self.aids = tuple(a for a in aids if a.variable in self.system.variables)
        missing = sorted({a.variable for a in aids} - {a.variable for a in self.aids})
        if missing:
            _warn("aid variables unknown to openfisca, skipped", ", ".join(missing), len(missing))
        self._profile: Profile | None = None
        self._profile_lock = threading.Lock()
        self._stale: dict[tuple[str, str], date | None] = {}
        self._needs_settling: dict[tuple[str, str], bool] = {}
        self._derive = derive

    # ---------------------------------------------------------------- versions

    @property
    def engine_version(self) -> str:
        """``openfisca-france==X`` plus extensions: stored with every result."""
        return " ".join(f"{name}=={version}" for name, version in self.versions.items())

    @property
    def france_version(self) -> str:
        return self.versions["openfisca-france"]

    def _key(self, *parts: str) -> str:
        digest = hashlib.sha256(
            repr((sorted(self.versions.items()), self.extensions, PROFILE_VERSION, parts)).encode()
        )
        return digest.hexdigest()[:16]

    # ---------------------------------------------------------------- system

    def _load_system(self) -> TaxBenefitSystem:
        name = f"parameters-{self._key()}.pickle"
        parameters = self.cache.read(name)
        system = _build_system(parameters, self.extensions)
        if parameters is None:
            self.cache.write(name, system.parameters)
        tables_name = f"tables-{self._key()}.pickle"
        tables = self.cache.read(tables_name)
        if not isinstance(tables, dict):
            tables = parsed_tables(system)
            self.cache.write(tables_name, tables)
        install_tables(system, tables)
        return system

    # ---------------------------------------------------------------- profile

    @property
    def profile(self) -> Profile:
        """The pruning profile, loaded from the cache or derived (slow, once)."""
        if self._profile is None:
            with self._profile_lock:
                if self._profile is None:
                    self._profile = self._load_profile()
        return self._profile

    def _load_profile(self) -> Profile:
        variables = tuple(sorted({a.variable for a in self.aids} | self._key_variables()))
        name = f"profile-{self._key(*variables)}.pickle"
        loaded = self.cache.read(name)
        if isinstance(loaded, Profile):
            return loaded
        if not self._derive:
            return Profile(frozenset(), {}, frozenset())
        profile = derive_profile(self)
        self.cache.write(name, profile)
        return profile

    def _key_variables(self) -> set[str]:
        return {
            name for aid in self.aids for name in aid.key_variables if name in self.system.variables
        }

    # ---------------------------------------------------------------- compute

    def simulate(
        self,
        plan: Plan,
        aids: Sequence[AidVariable] | None = None,
        prune: bool = True,
    ) -> tuple[Simulation, dict[str, np.ndarray]]:
        """Compute ``aids`` for every household of ``plan``; values per household
        (famille 0 / menage), as OpenFisca returns them (float or bool)."""
        aids = self.aids if aids is None else aids
        pruned = self.profile.pruned if prune else frozenset()
        simulation = build_simulation(self.system, plan, pruned)
        settle(simulation, plan.month, reading=[a.variable for a in aids])
        return simulation, {a.aid_id: self.value(simulation, plan, a) for a in aids}

    def needs_settling(self, aid: AidVariable, month: str) -> bool:
        """Whether computing ``aid`` in ``month`` reads a steady-state benefit
        other than its own variable, so the past months must be settled first.

        An aid that reads none (a school allowance, the energy cheque…) has
        the same value whether the past months were settled or not: a batch of
        such aids alone skips the settling, most of a batch's time. Found by
        computing the aid once, traced, on the reference households without
        settling (formulas are vectorised: the variables one household needs
        are those every household needs); remembered per aid and month.
        """
        key = (aid.aid_id, month)
        with self._profile_lock:
            known = self._needs_settling.get(key)
        if known is not None:
            return known
        households = reference_households()
        plan = plan_households(households, month, declared_benefits=False)
        with self._simulation(plan) as simulation:
            simulation.trace = True
            self.value(simulation, plan, aid)
            read = {node.name for node in _walk(simulation.tracer.trees)}
        found = bool(read & (set(STEADY_STATE_ORDER) - {aid.variable}))
        with self._profile_lock:
            self._needs_settling[key] = found
        return found

    def knows(self, variable: str) -> bool:
        """True when the loaded system defines ``variable``."""
        return variable in self.system.variables

    def aid(self, aid_id: str) -> AidVariable:
        return next(a for a in self.aids if a.aid_id == aid_id)

    def evaluate_household(
        self, household: Household, month: str, aid_ids: Sequence[str]
    ) -> dict[str, dict[str, Any]]:
        """Value, key figures, staleness of each aid for one household.

        One pruned simulation for all the aids; the PAJE birth grant, paid once
        in the 7th month of pregnancy, is computed in that month with the
        expected child in the family.
        """
        aids = [self.aid(aid_id) for aid_id in aid_ids]
        plan = plan_household(household, month)
        zero = ruled_out_benefits(household, month)
        first_months = self._first_months(
            plan, [a for a in aids if a.variable in QUARTERLY_AIDS], zero
        )
        out: dict[str, dict[str, Any]] = {}
        with self._simulation(plan) as simulation:
            hold_at_zero(simulation, plan, zero)
            settle(simulation, month, settle_months(zero), reading=[a.variable for a in aids])
            for aid in aids:
                if aid.variable in BIRTH_GRANTS and household.expected_birth is not None:
                    at = birth_grant_month(household.expected_birth)
                    used = plan_household(household, at, with_unborn=True)
                    with self._simulation(used) as own:
                        if self.needs_settling(aid, at):  # the PAJE birth grant reads none
                            settle(own, at)
                        out[aid.aid_id] = self._aid_values(own, used, aid, at, month)
                else:
                    out[aid.aid_id] = self._aid_values(simulation, plan, aid, month, month)
                out[aid.aid_id]["first_months_value"] = first_months.get(aid.aid_id)
        return out

    def _simulation(self, plan: Plan) -> AbstractContextManager[Simulation]:
        """The pruned simulation of ``plan``, released when the block ends."""
        return simulation_of(self.system, plan, self.profile.pruned)

    def _aid_values(
        self, simulation: Simulation, plan: Plan, aid: AidVariable, at: str, month: str
    ) -> dict[str, Any]:
        """One aid's value and key figures, computed at ``at`` (M, or the birth
        grant's payment month); its staleness at ``month``."""
        period = at if aid.period == "month" else at[:4]
        raw = household_values(simulation, plan, aid.variable, period)[0]
        return {
            "value": bool(raw) if np.asarray(raw).dtype == bool else float(raw),
            "key_values": self.key_values(simulation, plan, aid, at),
            "stale_since": self.stale_since(aid.variable, month),
            "structurally_zero": aid.variable in self.profile.structurally_zero,
        }

    def _first_months(
        self, plan: Plan, aids: Sequence[AidVariable], zero: frozenset[str]
    ) -> dict[str, float]:
        """What ``aids`` pay a new claimant: the benefits it does not declare
        taken as not yet received in the months before M (its first quarter)."""
        if not aids:
            return {}
        with self._simulation(plan) as simulation:
            hold_at_zero(simulation, plan, zero)
            hold_at_zero(simulation, plan, set(STEADY_STATE_ORDER) - zero, months="received")
            return {
                aid.aid_id: float(household_values(simulation, plan, aid.variable, plan.month)[0])
                for aid in aids
            }

    def key_values(
        self, simulation: Simulation, plan: Plan, aid: AidVariable, month: str
    ) -> list[tuple[str, Any]]:
        """(variable, value) of the aid's key variables, read from the simulation
        (the words a person reads come from the catalogue's vocabulary).

        They were computed on the way to the aid (OpenFisca's trace of the aid
        lists them), so reading them back costs a cache lookup.
        """
        out: list[tuple[str, Any]] = []
        for name in aid.key_variables:
            variable = self.system.variables.get(name)
            if variable is None:
                continue
            unit = str(variable.definition_period)
            period = month[:4] if unit.endswith("year") else month
            try:
                array = simulation.calculate(name, period if unit != "eternity" else "ETERNITY")
            except Exception as error:
                _warn("key variable failed", f"{name}: {type(error).__name__}")
                continue
            out.append((name, _explained_value(plan, variable, array)))
        return out

    @functools.cached_property
    def legislation_known_until(self) -> date:
        """The last date the engine's legislation is known for: the latest
        ``last_value_still_valid_on`` any OpenFisca-France parameter carries
        (the date its maintainers last checked values against the law) or
        the latest date a value starts on.

        A single horizon rather than each parameter's own date: most
        parameters are not re-dated when they are still valid, so their own
        date says nothing about a month after it (the RSA revalued in April
        2025 still carried a 2024 date); a revaluation the release includes
        is known, whatever its date says.
        """
        checks: list[date] = []
        latest_start = date.min
        for node in _walk([self.system.parameters]):
            checked = (getattr(node, "metadata", None) or {}).get("last_value_still_valid_on")
            if checked is not None:
                checks.append(
                    checked if isinstance(checked, date) else date.fromisoformat(str(checked))
                )
            for value in getattr(node, "values_list", None) or ():
                latest_start = max(latest_start, date.fromisoformat(value.instant_str))
        # A "still valid on" date more than a year after every value the
        # release holds is a legal end date written ahead, not a check.
        limit = latest_start.replace(year=latest_start.year + 1)
        return max([latest_start, *(d for d in checks if d <= limit)])

    def stale_since(self, aid_variable: str, month: str) -> date | None:
        """The date the legislation is known until when ``month`` is after it
        and the aid reads legal parameters (amounts "à confirmer"), else None."""
        key = (aid_variable, month)
        if key not in self._stale:
            dates = [
                d
                for name in self.profile.aid_parameters.get(aid_variable, ())
                if (d := self._parameter_stale_since(name, month)) is not None
            ]
            self._stale[key] = min(dates) if dates else None
        return self._stale[key]

    def parameter_checks(self, names: Sequence[str]) -> list[tuple[str, date | None]]:
        """Each parameter of ``names`` with the date OpenFisca-France last
        checked its value (``last_value_still_valid_on``; None when never
        dated), the least recently checked first, undated last."""
        out: list[tuple[str, date | None]] = []
        for name in names:
            node: Any = self.system.parameters
            for part in name.split("."):
                children = getattr(node, "children", None)
                node = children.get(part) if isinstance(children, dict) else None
                if node is None:
                    break
            checked = (getattr(node, "metadata", None) or {}).get("last_value_still_valid_on")
            if checked is not None and not isinstance(checked, date):
                checked = date.fromisoformat(str(checked))
            out.append((name, checked))
        return sorted(out, key=lambda item: (item[1] is None, item[1] or date.min, item[0]))

    def _parameter_stale_since(self, name: str, month: str) -> date | None:
        node: Any = self.system.parameters
        for part in name.split("."):
            children = getattr(node, "children", None)
            node = children.get(part) if isinstance(children, dict) else None
            if node is None:
                return None
        known_until = self.legislation_known_until
        start = first_day(month)
        values = getattr(node, "values_list", None)
        if values:
            latest = values[0]
            # Abolished, or superseded by a value known to start after M: not stale.
            if latest.value is None or date.fromisoformat(latest.instant_str) > start:
                return None
        return known_until if known_until < start else None

    def parameter_value(
        self, path: str, month: str, times_bmaf: bool = False
    ) -> tuple[float | None, date | None]:
        """A parameter's value at ``month`` (× the BMAF if asked), and the date
        it is stale since (None if current)."""
        node: Any = self.system.get_parameters_at_instant(f"{month}-01")
        try:
            for part in path.split("."):
                node = getattr(node, part)
            value = float(node)
        except Exception:
            return None, None
        stale = [self._parameter_stale_since(path, month)]
        if times_bmaf:
            bmaf_path = "prestations_sociales.prestations_familiales.bmaf.bmaf"
            bmaf, _ = self.parameter_value(bmaf_path, month)
            if bmaf is None:
                return None, None
            value = round(value * bmaf, 2)
            stale.append(self._parameter_stale_since(bmaf_path, month))
        dates = [d for d in stale if d is not None]
        return value, (min(dates) if dates else None)

    def batch_values(
        self,
        households: Sequence[Household],
        month: str,
        aid_ids: Sequence[str] | None = None,
        settle_first: bool = True,
    ) -> dict[str, np.ndarray]:
        """OpenFisca's value of every aid (float, as computed: month or year,
        before any deduction) for each household, from one vectorised
        simulation, every household in steady state (the benefits it declares
        are computed, not taken as declared), settled nine months back when no
        household may receive the AAH, else thirteen (``settle_months``). A batch
        where at least :data:`SPLIT_BY_DEPTH_FROM` households need only the
        shorter depth runs two simulations, one per depth.

        Equal, household by household, to a simulation of that household alone
        without declared benefits (``test_differential.py`` checks it against
        the oracle, on generated households and on "what would change it"
        variants).

        ``aid_ids`` (default: every aid) limits the computation to those aids:
        a formula no asked aid needs is not run (the yearly aids read the
        benefits of every month of the year, M + 1 to December included).
        ``settle_first=False`` skips settling the past months: only for aids that read
        no steady-state benefit but their own (the caller checks it,
        :meth:`needs_settling`), whose values are then the same.
        """
        aids = self.aids if aid_ids is None else [self.aid(aid_id) for aid_id in aid_ids]
        zeros = [ruled_out_benefits(h, month) for h in households]
        if not settle_first:
            return self._group_values(households, zeros, month, aids, None)
        depths = [settle_months(zero) for zero in zeros]
        deepest = max(depths)
        shallow = [i for i, depth in enumerate(depths) if depth < deepest]
        if len(shallow) < SPLIT_BY_DEPTH_FROM:
            return self._group_values(households, zeros, month, aids, deepest)
        deep = [i for i, depth in enumerate(depths) if depth == deepest]
        out = {aid.aid_id: np.empty(len(households), dtype=np.float64) for aid in aids}
        for group in (deep, shallow):
            values = self._group_values(
                [households[i] for i in group],
                [zeros[i] for i in group],
                month,
                aids,
                max(depths[i] for i in group),
            )
            for aid_id, column in values.items():
                out[aid_id][group] = column
        return out

    def _group_values(
        self,
        households: Sequence[Household],
        zeros: Sequence[frozenset[str]],
        month: str,
        aids: Sequence[AidVariable],
        months_before: int | None,
    ) -> dict[str, np.ndarray]:
        """:meth:`batch_values` of one simulation (``zeros``: each household's
        benefits held at 0), settled ``months_before`` months back (None: not
        settled)."""
        plan = plan_households(households, month, declared_benefits=False)
        with self._simulation(plan) as simulation:
            hold_at_zero(simulation, plan, frozenset.intersection(*zeros))
            if months_before is not None:
                settle(simulation, month, months_before, reading=[a.variable for a in aids])
            return {
                aid.aid_id: self.value(simulation, plan, aid).astype(np.float64) for aid in aids
            }

    def evaluate_batch(
        self,
        households: Sequence[Household],
        month: str,
        aid_ids: Sequence[str] | None = None,
        settle_first: bool = True,
    ) -> list[dict[str, float]]:
        """Monthly (or monthly-equivalent) amount of every OpenFisca aid, for
        each household, from one vectorised simulation.

        Every household is taken in steady state, benefits it declares
        included (a declared benefit is an input of the whole simulation, so
        honouring each household's would split the batch): the smart alerts
        ask "may this aid concern them", which the steady state answers.
        ``aid_ids`` (default: every aid) limits the answer to those aids;
        ``settle_first`` as for :meth:`batch_values`.
        """
        raw = self.batch_values(households, month, aid_ids, settle_first)
        columns = {
            aid.aid_id: monthly_equivalent(aid, raw[aid.aid_id])
            for aid in self.aids
            if aid.aid_id in raw
        }
        # Columns to Python floats in one call each, then one dict per household.
        names = list(columns)
        if not names:
            return [{} for _ in households]
        values = [columns[name].astype(np.float64).tolist() for name in names]
        return [dict(zip(names, row, strict=True)) for row in zip(*values, strict=True)]

    def value(self, simulation: Simulation, plan: Plan, aid: AidVariable) -> np.ndarray:
        """The aid's value for each household's applicant family."""
        period = plan.month if aid.period == "month" else plan.month[:4]
        return household_values(simulation, plan, aid.variable, period)


def monthly_equivalent(aid: AidVariable, values: np.ndarray) -> np.ndarray:
    """The monthly amount of each value of ``aid``, rounded to the cent: 1.0
    when eligible for eligibility-only aids and contributions, a twelfth of
    yearly and one-off amounts."""
    if aid.output == "eligibility" or aid.output == "monthly_contribution":
        values = (values > 0).astype(np.float64)
    elif aid.output == "annual_amount" or aid.period == "year" or aid.periodicity != "monthly":
        values = values / 12
    return np.round(values, 2)


def household_values(simulation: Simulation, plan: Plan, variable: str, period: str) -> np.ndarray:
    """``variable`` for each household of ``plan``: its applicant's famille, foyer
    fiscal or its menage; for individuals, the sum (``any`` for booleans) over
    the members of the applicant's famille."""
    array = np.asarray(simulation.calculate(variable, period))
    entity = simulation.tax_benefit_system.variables[variable].entity.key
    if entity == "menage":
        return array
    if entity == "famille":
        return array[plan.first_famille]
    if entity == "foyer_fiscal":
        return array[plan.first_foyer]
    mask = plan.in_first_famille
    if array.dtype == bool:
        hits = np.bincount(plan.person_household, weights=array & mask, minlength=plan.households)
        return hits > 0
    return np.bincount(
        plan.person_household, weights=np.where(mask, array, 0), minlength=plan.households
    )


def _explained_value(plan: Plan, variable: Any, array: Any) -> Any:
    """One value to show for a key variable: the applicant family's (max over
    its members for individual variables), decoded for enums."""
    entity = variable.entity.key
    values = array.decode_to_str() if hasattr(array, "decode_to_str") else np.asarray(array)
    if entity in ("famille", "foyer_fiscal", "menage"):
        value = values[0]
    else:
        members = np.flatnonzero(plan.in_first_famille & (plan.person_household == 0))
        picked = values[members]
        value = (
            picked.max() if picked.dtype != object and picked.dtype.kind in "biuf" else picked[0]
        )
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        value = round(value, 2)
    return value


_ENGINE: FrenchEngine | None = None


#: A batch runs one simulation per settling depth (a year back for the
#: households that may receive the AAH, nine months for the others) when at
#: least this many of its households need only the shorter depth; below, one
#: simulation at the deepest depth. Measured on batches of 2026-11 when the
#: shorter depth was four months (CPU, docs/alerts.md, "Throughput"): a
#: simulation costs ~0.4 s whatever its size, and a household settled four
#: months back instead of thirteen ~0.25 ms less, so the second simulation paid
#: for itself from ~1,500 households; at nine months the months M − 9 to M − 5
#: were already computed on demand for most households (the contrat
#: d'engagement jeune reads them), so the saving per household is smaller and
#: the threshold not measured again.
SPLIT_BY_DEPTH_FROM = 2_000

_ENGINE_LOCK = threading.Lock()


def get_engine(aids: Sequence[AidVariable], cache_dir: Path | None = None) -> FrenchEngine:
    """The process-wide engine (built on first use; warm afterwards)."""
    global _ENGINE
    if _ENGINE is None:
        with _ENGINE_LOCK:
            if _ENGINE is None:
                _ENGINE = FrenchEngine(aids, cache_dir)
                keep_out_of_collector()
    return _ENGINE


def keep_out_of_collector() -> None:
    """Move every object alive now out of reach of Python's cyclic garbage
    collector (``gc.freeze``): the process-wide engine and what it built.

    The loaded system is ~290,000 objects that live as long as the process.
    Each full collection walked all of them: ~0.23 s, about once every two
    seconds of simulations, a pause on whichever request it fell. Frozen, a
    full collection walks only the requests' own objects. Called once the
    engine is built and again after the warm-up (the parameters of the
    months it read); objects frozen are never collected, so nothing a request
    owns should be alive when it is called.
    """
    gc.freeze()


def reset_engine() -> None:
    """Forget the process-wide engine (tests that change the cache directory)."""
    global _ENGINE
    _ENGINE = None

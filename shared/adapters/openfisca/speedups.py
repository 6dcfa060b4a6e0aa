"""Shortcuts that make one simulation fast and must not change any amount.

Formulas of pruned variables are skipped (``pruning``), repeated
``calculate`` calls and OpenFisca's period arithmetic are memoised,
parameters indexed by a vector are looked up once per distinct key, inputs
equal to their default are not set, and simulations are built from numpy
arrays. The differential test against the steady-state oracle keeps them
honest.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pragma: no cover - typing only
    from openfisca_core.simulations import Simulation
    from openfisca_core.taxbenefitsystems import TaxBenefitSystem
from shared.adapters.openfisca.plan import (
    HISTORY_AT_ZERO,
    NEVER_DESCRIBED,
    Plan,
    _months_of,
    month_window,
)


@functools.cache
def _pruned_simulation_class() -> type:
    from openfisca_core.errors import SpiralError
    from openfisca_core.indexed_enums import Enum
    from openfisca_core.periods import Period
    from openfisca_core.simulations import Simulation

    class PrunedSimulation(Simulation):
        """A simulation that skips known-zero formulas and answers repeats fast.

        * formulas of ``pruned`` variables are not run (their default is the
          value they would compute for any household we can describe);
        * ``calculate`` remembers its results by (variable, period) as given:
          most of a simulation's calls re-read a value already computed, and
          OpenFisca's full path for a cache hit (period parsing, entity checks,
          tracer, storage lookup) costs ~30 µs each. Values OpenFisca itself
          invalidates (spirals) are forgotten at the same time; tracing
          bypasses the memo so traces stay complete.
        """

        pruned: frozenset[str] = frozenset()
        #: Before this instant (the window's first day), the declared resources
        #: of ``HISTORY_AT_ZERO`` read 0 without running their formulas.
        history_start: Any = None
        #: Before this instant (the first settled month's first day, set by
        #: ``steady_state.settle``), a value computed on the way to a spiral cut
        #: is kept, not forgotten when the computation ends (see
        #: :meth:`invalidate_cache_entry`).
        keep_cut_values_before: Any = None

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._memo: dict[tuple[Any, ...], Any] = {}
            self._variables: dict[str, tuple[Any, Any, Any]] = {}
            self._consistent: set[tuple[str, Any, int]] = set()
            self._defaults: dict[str, Any] = {}
            #: Variables whose values are plain arrays kept in memory by month
            #: or year (not enums, not eternal, not on disk).
            self._plain_storage: set[str] = set()
            self._no_formula = _formula_less(self.tax_benefit_system)

        def calculate(self, variable_name: str, period: Any) -> Any:
            key = (variable_name, period)
            try:
                return self._memo[key]
            except KeyError:
                pass
            except TypeError:  # an unhashable period: take the normal path
                return super().calculate(variable_name, period)
            # ``_trace``, ``tracer._stack``: the attributes behind OpenFisca's
            # properties, read directly on the paths run for every formula.
            if self._trace or not isinstance(period, Period):
                result = super().calculate(variable_name, period)
                if not self._trace:
                    self._memo[key] = result
                return result
            # Simulation.calculate's steps, its untraced tracer's no-ops left out.
            stack = self.tracer._stack
            stack.append({"name": variable_name, "period": period})
            try:
                result = self._calculate(variable_name, period)
            finally:
                stack.pop()
                if not stack and self.invalidated_caches:
                    self.purge_cache_of_invalid_values()
            self._memo[key] = result
            return result

        def calculate_add(self, variable_name: str, period: Any) -> Any:
            # Sums over sub-periods are re-requested as often as plain values
            # (the RSA reads the same quarter of resources many times). A copy
            # is returned: unlike cached values, callers may modify a sum.
            if self._trace:
                return super().calculate_add(variable_name, period)
            key = ("+", variable_name, period)
            try:
                cached = self._memo.get(key)
            except TypeError:
                return super().calculate_add(variable_name, period)
            if cached is None:
                cached = self._memo[key] = super().calculate_add(variable_name, period)
            return cached.copy()

        def purge_cache_of_invalid_values(self) -> None:
            if not self.tracer.stack and self.invalidated_caches:
                self._memo.clear()
            super().purge_cache_of_invalid_values()

        def invalidate_cache_entry(self, variable: str, period: Any) -> None:
            # OpenFisca marks every value computed between the two meetings of a
            # spiral for deletion when the computation ends: the next formula
            # that reads one computes it again, and is cut again. Before the
            # settled months, nothing settles the chains (the ASS reads the AAH
            # of the rolling year, the AAH the ASI of the quarter, the ASI the
            # ASS), so every settled month's formulas met these values again:
            # on the AAH households of 10,000 generated households of 2026-11,
            # 1,701 formula runs before the settled months, the ASI of each
            # month about 15 times, a third of the formula time. Kept, each is
            # computed once, cut where its first computation was cut.
            # ``steady_state.settle`` says what it changes and how it was checked.
            keep = self.keep_cut_values_before
            if keep is not None and isinstance(period, Period) and period.start < keep:
                return
            super().invalidate_cache_entry(variable, period)

        def set_input(self, variable_name: str, period: Any, value: Any) -> None:
            self._memo.clear()
            super().set_input(variable_name, period, value)

        def _run_formula(self, variable: Any, population: Any, period: Any) -> Any:
            # OpenFisca's own ``_calculate`` (traced simulations, a start
            # computation period) reaches here without asking ``_skips``.
            if self._skips(variable.name, period):
                return None
            if self._trace or not isinstance(period, Period):
                return super()._run_formula(variable, population, period)
            # Simulation._run_formula, with the formula in force at the
            # period's start looked up once (OpenFisca searches the variable's
            # sorted formulas on every run).
            formula = _formula_at(variable, period)
            if formula is None:
                return None
            if formula.__code__.co_argcount == 2:
                return formula(population, period)
            return formula(population, period, self.tax_benefit_system.get_parameters_at_instant)

        def _variable_of(self, variable_name: str) -> tuple[Any, Any, Any]:
            """(variable, population, holder) of ``variable_name``, looked up once:
            OpenFisca finds each again on every call (entity checks, registry)."""
            found = self._variables.get(variable_name)
            if found is None:
                population = self.get_variable_population(variable_name)
                variable = self.tax_benefit_system.get_variable(variable_name, check_existence=True)
                holder = population.get_holder(variable_name)
                found = (variable, population, holder)
                self._variables[variable_name] = found
                if (
                    variable.value_type != Enum
                    and holder._disk_storage is None
                    and not holder._eternal
                    and not holder._do_not_store
                ):
                    self._plain_storage.add(variable_name)
            return found

        def _calculate(self, variable_name: str, period: Any) -> Any:
            if self._trace or not isinstance(period, Period):
                return self._plain_calculate(variable_name, period)
            variable, population, holder = self._variable_of(variable_name)
            # OpenFisca's check reads only the period's unit and length.
            checked = (variable_name, period[0], period[2])
            if checked not in self._consistent:
                self._check_period_consistency(period, variable)
                self._consistent.add(checked)
            # Holder.get_array without its period conversion (``period`` is one).
            if variable.is_neutralized or holder._disk_storage is not None:
                cached = holder.get_array(period)
            elif holder._memory_storage.is_eternal:
                cached = holder._memory_storage.get(period)
            else:
                cached = holder._memory_storage._arrays.get(period)
            if cached is not None:
                return cached
            if self._skips(variable_name, period):
                # Not stored: the memo keeps it.
                return self._default(variable_name, holder)
            if self.start_computation_period is not None:
                return super()._calculate(variable_name, period)
            # OpenFisca's own steps from here (Simulation._calculate).
            try:
                self._check_for_cycle(variable_name, period)
                array = self._run_formula(variable, population, period)
                if array is None:
                    array = self._default(variable_name, holder)
                plain = variable_name in self._plain_storage
                if not (plain and type(array) is np.ndarray and array.dtype == variable.dtype):
                    array = self._cast_formula_result(array, variable)
                if (
                    plain
                    and type(array) is np.ndarray
                    and array.ndim == 1
                    and len(array) == population.count
                    and not self.opt_out_cache
                ):
                    # What Holder.put_in_cache stores for an array of the
                    # variable's type and length, for a month or year (checked
                    # above) kept in memory, without its checks.
                    holder._memory_storage._arrays[period] = array
                else:
                    holder.put_in_cache(array, period)
            except SpiralError:
                array = self._default(variable_name, holder)
            return array

        def _default(self, variable_name: str, holder: Any) -> Any:
            """A new array of the variable's default (OpenFisca fills one for
            every call; a copy of the first is cheaper)."""
            found = self._defaults.get(variable_name)
            if found is None:
                found = self._defaults[variable_name] = holder.default_array()
            return found.copy()

        def _skips(self, variable_name: str, period: Any) -> bool:
            """Whether ``variable_name`` reads its default without a formula run:
            inputs (formula-less), pruned variables, what no answer describes,
            declared resources before the window."""
            return (
                variable_name in self.pruned
                or variable_name in self._no_formula
                or variable_name in NEVER_DESCRIBED
                or (
                    variable_name in HISTORY_AT_ZERO
                    and self.history_start is not None
                    and period.stop < self.history_start
                )
            )

        def _plain_calculate(self, variable_name: str, period: Any) -> Any:
            """The shortcuts on OpenFisca's own path (traced simulations)."""
            if isinstance(period, Period) and self._skips(variable_name, period):
                holder = self.get_variable_population(variable_name).get_holder(variable_name)
                self._check_period_consistency(
                    period, self.tax_benefit_system.variables[variable_name]
                )
                cached = holder.get_array(period)
                return cached if cached is not None else holder.default_array()
            return super()._calculate(variable_name, period)

        def link_to_entities_instances(self) -> None:
            super().link_to_entities_instances()
            for population in self.populations.values():
                population.__class__ = _fast_population_class(type(population))

    return PrunedSimulation


_FORMULA_LESS: dict[int, frozenset[str]] = {}

#: (variable, instant) → the formula in force then (or None). Variables and
#: their formulas are fixed once the system is built.
_FORMULAS: dict[tuple[Any, Any], Any] = {}


def _formula_at(variable: Any, period: Any) -> Any:
    """``variable.get_formula(period)``, looked up once per variable and start."""
    key = (variable, period.start)
    try:
        return _FORMULAS[key]
    except KeyError:
        formula = _FORMULAS[key] = variable.get_formula(period)
        return formula


def _formula_less(system: Any) -> frozenset[str]:
    """Names of the variables of ``system`` that have no formula (pure inputs)."""
    names = _FORMULA_LESS.get(id(system))
    if names is None:
        names = _FORMULA_LESS[id(system)] = frozenset(
            name for name, variable in system.variables.items() if not variable.formulas
        )
    return names


_FAST_POPULATIONS: dict[type, type] = {}


def _fast_population_class(base: type) -> type:
    """``base`` whose ``population(variable, period)`` answers repeats from the
    simulation's memo once the variable passed OpenFisca's checks for it."""
    if getattr(base, "_sesame_fast", False):
        return base
    fast = _FAST_POPULATIONS.get(base)
    if fast is not None:
        return fast
    from openfisca_core.periods import Period
    from openfisca_core.populations.types import Option

    ADD = Option.ADD

    def __call__(self: Any, variable_name: str, period: Any, options: Any = None) -> Any:
        checked = self.__dict__.get("_checked")
        if checked is not None and variable_name in checked:
            if options is None:
                try:
                    hit = self.simulation._memo.get((variable_name, period))
                except TypeError:
                    hit = None
                if hit is not None:
                    return hit
                if isinstance(period, Period):
                    # Checked for this entity already; a Period needs no conversion.
                    return self.simulation.calculate(variable_name, period)
            elif isinstance(period, Period) and len(options) == 1 and options[0] is ADD:
                return self.simulation.calculate_add(variable_name, period)
        result = base.__call__(self, variable_name, period, options)
        # It passed OpenFisca's checks for this entity (they do not depend on options).
        self.__dict__.setdefault("_checked", set()).add(variable_name)
        return result

    methods: dict[str, Any] = {"__call__": __call__, "_sesame_fast": True}
    if hasattr(base, "__getattr__"):
        methods["__getattr__"] = _kept_projectors(base.__getattr__)
    if hasattr(base, "has_role"):
        methods["has_role"] = _cached_has_role(base.has_role)
    if hasattr(base, "value_from_person"):
        methods["value_from_person"] = _indexed_value_from_person(base.value_from_person)
        methods["sum"] = _indexed_sum(base.sum)  # type: ignore[attr-defined]
    fast = type(f"Fast{base.__name__}", (base,), methods)
    _FAST_POPULATIONS[base] = fast
    return fast


def _kept_projectors(original: Any) -> Any:
    """``population.famille``, ``famille.demandeur``…: OpenFisca builds a new
    projector object at each use (tens of thousands per simulation). A
    projector only refers to the populations, fixed once the simulation is
    built, so the first one is kept as the population's attribute, which
    Python then finds without calling ``__getattr__`` again."""
    from openfisca_core.projectors import Projector

    def __getattr__(self: Any, attribute: str) -> Any:
        found = original(self, attribute)
        if isinstance(found, Projector) and self.__dict__.get("simulation") is not None:
            self.__dict__[attribute] = found
        return found

    return __getattr__


# The entities of a simulation are fixed once it is built, so who holds a role
# is too. OpenFisca answers ``has_role`` by comparing every member's Role
# object in Python (≈ 0.2 ms for a batch of 5,000 households, thousands of
# times per simulation); the answers below are computed once per role and
# population, and each call returns its own copy (a formula may change the
# array it receives in place).


def _cached_has_role(original: Any) -> Any:
    def has_role(self: Any, role: Any) -> Any:
        if self.simulation is None:  # not attached to a simulation yet: nothing to keep
            return original(self, role)
        return _kept(self, "_roles", role, lambda: original(self, role)).copy()

    has_role.projectable = True  # type: ignore[attr-defined]
    return has_role


def _kept(population: Any, name: str, role: Any, compute: Any) -> Any:
    """``compute()`` for ``role``, once per population (kept in ``name``)."""
    kept = population.__dict__.setdefault(name, {})
    found = kept.get(role)
    if found is None:
        found = kept[role] = compute()
    return found


def _role_positions(population: Any, role: Any) -> tuple[np.ndarray, np.ndarray]:
    """(members holding ``role``, the entity of each), ordered by entity as
    OpenFisca's ``value_from_person`` orders them."""

    def compute() -> tuple[np.ndarray, np.ndarray]:
        members = np.flatnonzero(population.members.has_role(role))
        entities = population.members_entity_id[members]
        order = np.argsort(entities, kind="stable")
        return members[order], entities[order]

    return _kept(population, "_role_positions", role, compute)


def _indexed_value_from_person(original: Any) -> Any:
    from openfisca_core.indexed_enums import EnumArray

    def value_from_person(self: Any, array: Any, role: Any, default: Any = 0) -> Any:
        if isinstance(array, EnumArray) or role.max != 1:
            return original(self, array, role, default)  # OpenFisca's own path and errors
        self.entity.check_role_validity(role)
        self.members.check_array_compatible_with_entity(array)
        members, entities = _role_positions(self, role)
        result = self.filled_array(default, dtype=array.dtype)
        result[entities] = array[members]
        return result

    value_from_person.projectable = True  # type: ignore[attr-defined]
    return value_from_person


def _indexed_sum(original: Any) -> Any:
    def sum(self: Any, array: Any, role: Any = None) -> Any:
        if role is None:
            return original(self, array)
        self.entity.check_role_validity(role)
        self.members.check_array_compatible_with_entity(array)

        def compute() -> tuple[np.ndarray, np.ndarray]:
            chosen = np.flatnonzero(self.members.has_role(role))
            return chosen, self.members_entity_id[chosen]

        chosen, entities = _kept(self, "_role_members", role, compute)
        return np.bincount(entities, weights=array[chosen], minlength=self.count)

    sum.projectable = True  # type: ignore[attr-defined]
    return sum


_ORIGINAL_PERIOD_METHODS: dict[str, Any] = {}


def install_period_memo() -> None:
    """Memoise OpenFisca's period arithmetic (``Instant``/``Period`` are immutable
    tuples and these methods pure): a simulation does ~30,000 of them through
    pendulum. Process-wide, idempotent; ``test_period_memo`` compares every
    memoised method with the original on a grid of periods."""
    from openfisca_core.periods import Instant, Period

    if _ORIGINAL_PERIOD_METHODS:
        return

    def memo_method(cls: type, name: str, copy_list: bool = False) -> None:
        original = getattr(cls, name)
        _ORIGINAL_PERIOD_METHODS[f"{cls.__name__}.{name}"] = original
        cache: dict[Any, Any] = {}

        def method(self: Any, *args: Any) -> Any:
            key = (self, *args)
            try:
                value = cache[key]
            except KeyError:
                value = cache[key] = original(self, *args)
            except TypeError:
                return original(self, *args)
            return list(value) if copy_list else value

        method.__doc__ = original.__doc__
        setattr(cls, name, method)

    def memo_property(cls: type, name: str) -> None:
        original = getattr(cls, name)
        _ORIGINAL_PERIOD_METHODS[f"{cls.__name__}.{name}"] = original
        getter = original.fget
        cache: dict[Any, Any] = {}

        def fget(self: Any) -> Any:
            try:
                return cache[self]
            except KeyError:
                value = cache[self] = getter(self)
                return value

        setattr(cls, name, property(fget, doc=original.__doc__))

    memo_method(Instant, "offset")
    memo_method(Period, "offset")
    memo_method(Period, "get_subperiods", copy_list=True)
    for name in (
        "first_month",
        "this_year",
        "last_month",
        "last_3_months",
        "last_year",
        "n_2",
        "stop",
        "size_in_months",
        "size_in_days",
    ):
        if isinstance(getattr(Period, name, None), property):
            memo_property(Period, name)


_ORIGINAL_VECTORIAL_METHODS: dict[str, Any] = {}


def install_vectorial_parameter_lookup() -> None:
    """Look parameters up once per distinct key, not once per household.

    A formula that indexes a parameter node by a vector (the housing-aid zone,
    the number of dependants, a date bracket) makes OpenFisca-Core look the
    node up element by element, in Python: with a few hundred households this
    is half the cost of a vectorised simulation. Households share few distinct
    keys, so each distinct key (or, for a node already vectorial, each
    distinct pair of node and key) is looked up once and the result spread
    back with ``numpy.unique``'s inverse index: the same nodes and the same
    leaf arrays (same values, same dtype) as element by element. Keys of
    another kind (enum objects, booleans) take OpenFisca's own path.
    Process-wide, idempotent; ``test_vectorial_parameter_lookup_is_transparent``
    compares it with the original on parameter trees of every key kind.
    """
    from openfisca_core.indexed_enums import EnumArray
    from openfisca_core.parameters import ParameterNodeAtInstant, VectorialParameterNodeAtInstant

    if _ORIGINAL_VECTORIAL_METHODS:
        return
    vectorial = VectorialParameterNodeAtInstant
    # Nodes at an instant never change once built (the system keeps one per
    # instant), so each is checked homogeneous once: the check walks the
    # node's whole subtree, ~30 µs per call on the housing-aid zones.
    checked: dict[int, Any] = {}
    original_build = vectorial.build_from_node_name
    original_getitem = vectorial.__getitem__
    _ORIGINAL_VECTORIAL_METHODS["build_from_node_name"] = original_build
    _ORIGINAL_VECTORIAL_METHODS["__getitem__"] = original_getitem

    def compactable(keys: Any) -> bool:
        # Strings, integers and dates: the kinds numpy.unique orders and
        # OpenFisca turns into a child name from the key alone.
        return (
            isinstance(keys, np.ndarray)
            and not isinstance(keys, EnumArray)
            and keys.ndim == 1
            and keys.size > 0
            and keys.dtype.kind in "USiuM"
        )

    def spread(parent: Any, nodes: list[Any], inverse: np.ndarray) -> Any:
        if isinstance(nodes[0], ParameterNodeAtInstant):
            return CompactVectorialNode(nodes, inverse, parent._name, parent._instant_str)
        return np.array(nodes)[inverse]

    class CompactVectorialNode(vectorial):  # type: ignore[misc, valid-type]
        """A vectorial node kept as its distinct nodes and, per household,
        the index of its node (``vector`` rebuilds OpenFisca's list)."""

        def __init__(self, unique: list[Any], inverse: np.ndarray, name: str, instant: str) -> None:
            self.unique = unique
            self.inverse = inverse
            self._name = name
            self._instant_str = instant

        @property
        def vector(self) -> list[Any]:
            return [self.unique[i] for i in self.inverse]

        def __getitem__(self, key: Any) -> Any:
            if isinstance(key, str):
                return spread(self, [node[key] for node in self.unique], self.inverse)
            if compactable(key) and len(key) == len(self.inverse):
                keys, key_index = np.unique(key, return_inverse=True)
                pairs, inverse = np.unique(
                    self.inverse * len(keys) + key_index, return_inverse=True
                )
                nodes = [self.unique[pair // len(keys)][keys[pair % len(keys)]] for pair in pairs]
                return spread(self, nodes, inverse)
            return original_getitem(vectorial(self.vector, self._name, self._instant_str), key)

    def build_from_node_name(node: Any, key: Any) -> Any:
        keys = vectorial._get_appropriate_keys(key)
        if not compactable(keys):
            return original_build(node, key)
        if id(node) not in checked:
            vectorial.check_node_vectorisable(node)
            # Kept alive with its id, so the id cannot be reused by another node.
            checked[id(node)] = node
        distinct, inverse = np.unique(keys, return_inverse=True)
        subnode_key = vectorial._get_appropriate_subnode_function(keys[0])
        return spread(node, [node[subnode_key(node, k)] for k in distinct], inverse)

    vectorial.build_from_node_name = staticmethod(build_from_node_name)


def build_simulation(
    system: TaxBenefitSystem,
    plan: Plan,
    pruned: frozenset[str] = frozenset(),
) -> Simulation:
    """One vectorised simulation of every household of ``plan``.

    Entities are declared from numpy arrays (no JSON): ids are integers in
    position order, roles the fine-grained ones OpenFisca-France expects.
    """
    from openfisca_core.simulation_builder import SimulationBuilder

    if plan.households == 0:
        raise ValueError("no household to simulate")
    builder = SimulationBuilder()
    builder.create_entities(system)
    populations = builder.populations
    builder.declare_person_entity("individu", np.arange(plan.n_persons))
    for entity, count, members, roles in (
        ("famille", plan.n_familles, plan.famille_of, plan.famille_role),
        ("foyer_fiscal", plan.n_foyers, plan.foyer_of, plan.foyer_role),
        ("menage", plan.households, plan.person_household, plan.menage_role),
    ):
        population = builder.declare_entity(entity, np.arange(count))
        flattened = {role.key: i for i, role in enumerate(population.entity.flattened_roles)}
        builder.join_with_persons(
            population,
            members,
            np.fromiter((flattened[r] for r in roles), dtype=np.int16, count=len(roles)),
        )
    simulation_class = _pruned_simulation_class()
    simulation = simulation_class(system, populations)
    simulation.pruned = pruned
    simulation.history_start = _month_period(month_window(plan.month)[0]).start
    _set_inputs(simulation, plan)
    return simulation


@contextlib.contextmanager
def simulation_of(
    system: TaxBenefitSystem, plan: Plan, pruned: frozenset[str] = frozenset()
) -> Iterator[Simulation]:
    """:func:`build_simulation`, released (:func:`release`) when the block
    ends, on an error too: the engine's way to run a simulation it drops."""
    simulation = build_simulation(system, plan, pruned)
    try:
        yield simulation
    finally:
        release(simulation)


def release(simulation: Simulation) -> None:
    """Free ``simulation`` as soon as the caller drops it.

    A simulation is a web of reference cycles (each population and each
    holder points back to it), so reference counting never frees it: it
    waited for a full run of Python's cyclic collector, which walked every
    dead simulation since the last run, ~0.1 s on whichever request it fell.
    With its cycles broken it goes when its last reference does. The
    simulation is unusable afterwards.
    """
    from openfisca_core.projectors import Projector

    for population in simulation.populations.values():
        for holder in population._holders.values():
            holder.simulation = None
            holder.population = None
        population.simulation = None
        kept = [name for name, value in vars(population).items() if isinstance(value, Projector)]
        for name in kept:  # projectors point to the other populations
            del population.__dict__[name]
    simulation._memo.clear()
    simulation._variables.clear()


def _set_inputs(simulation: Simulation, plan: Plan) -> None:
    system = simulation.tax_benefit_system
    for name, entry in plan.columns.items():
        variable = system.variables[name]
        base_array = _typed(variable, entry.base)
        if not entry.overrides and not variable.formulas and _is_default(variable, base_array):
            continue  # an unset input already reads as its default
        holder = simulation.get_holder(name)
        if entry.kind == "eternity":
            holder._set(None, base_array)
            continue
        # Holder._set, not Simulation.set_input: the periods are exactly the
        # variable's definition period, so OpenFisca's input casting (and its
        # per-call string parsing) has nothing to do.
        for m in _months_of(plan.month, entry.kind):
            changes = entry.overrides.get(m)
            if changes and variable.value_type is str:  # a longer string must widen the dtype
                values = list(entry.base)
                for position, value in changes.items():
                    values[position] = value
                holder._set(_month_period(m), _typed(variable, values))
            elif changes:
                # The month's few differing values written into a copy of the base:
                # converting the whole column again, month after month, was two
                # thirds of building a batch's simulation.
                values = base_array.copy()
                positions = np.fromiter(changes, dtype=np.intp, count=len(changes))
                values[positions] = _typed(variable, list(changes.values()))
                holder._set(_month_period(m), values)
            else:
                holder._set(_month_period(m), base_array.copy())
    simulation._memo.clear()


_MONTH_PERIODS: dict[str, Any] = {}


def _month_period(month: str) -> Any:
    period = _MONTH_PERIODS.get(month)
    if period is None:
        from openfisca_core import periods

        period = _MONTH_PERIODS[month] = periods.period(month)
    return period


def _typed(variable: Any, values: Sequence[Any]) -> Any:
    """A list of plain values → the array type OpenFisca stores for ``variable``."""
    from openfisca_core.indexed_enums import EnumArray

    value_type = variable.value_type
    if value_type is float:
        return np.asarray(values, dtype=np.float32)
    if value_type is bool:
        return np.asarray(values, dtype=bool)
    if value_type is int:
        return np.asarray(values, dtype=np.int32)
    if value_type is date:
        return np.asarray(values, dtype="datetime64[D]")
    if value_type is str:
        return np.asarray(values, dtype=str)
    # Enum: encode names into the variable's indices.
    possible = variable.possible_values
    lookup = {item.name: item.index for item in possible}
    indices = np.fromiter((lookup[v] for v in values), dtype=np.int16, count=len(values))
    return EnumArray(indices, possible)


def _is_default(variable: Any, value: Any) -> bool:
    """True when every element of ``value`` equals the variable's default."""
    if value is None:
        return True
    default = variable.default_value
    try:
        if variable.value_type is date:
            return bool(np.all(np.asarray(value) == np.datetime64(default)))
        if hasattr(default, "index") and hasattr(value, "possible_values"):
            return bool(np.all(np.asarray(value) == default.index))
        return bool(np.all(np.asarray(value) == default))
    except (TypeError, ValueError):
        return False

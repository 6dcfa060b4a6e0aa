"""The pruning profile: which formulas are zero for every household we can describe.

Derived once per OpenFisca version (tens of seconds) from OpenFisca's trace
of the reference households and the formulas' code, then cached on disk.
"""

from __future__ import annotations

import types
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from shared.structured_log import log_event

if TYPE_CHECKING:  # pragma: no cover - typing only
    from shared.adapters.openfisca.engine import FrenchEngine
from shared.adapters.openfisca.plan import PLAN_INPUT_VARIABLES, plan_households
from shared.adapters.openfisca.reference_households import reference_households
from shared.adapters.openfisca.speedups import _is_default, build_simulation
from shared.adapters.openfisca.steady_state import STEADY_STATE_ORDER, settle
from shared.adapters.openfisca.system import LOG_COMPONENT, PROFILE_MONTHS, _warn


@dataclass
class Profile:
    """What the engine derived once about OpenFisca for our questionnaire."""

    #: Variables whose formula yields the default for every household we can describe.
    pruned: frozenset[str]
    #: Aid variable → parameters its (pruned) computation reads (stale flags).
    aid_parameters: dict[str, tuple[str, ...]]
    #: Aid variables themselves pruned: our questions cannot make them non-zero.
    structurally_zero: frozenset[str]


def _names_in_code(code: types.CodeType, globals_: Mapping[str, Any], seen: set[int]) -> set[str]:
    """Every string constant a formula may use as a variable name.

    Walks nested code objects, module-level helper functions the formula calls
    and module-level collections of names: a static over-approximation of the
    formula's dependencies, which complements the traced ones.
    """
    if id(code) in seen:
        return set()
    seen.add(id(code))
    names: set[str] = set()
    for const in code.co_consts:
        if isinstance(const, str):
            names.add(const)
        elif isinstance(const, types.CodeType):
            names |= _names_in_code(const, globals_, seen)
        elif isinstance(const, tuple | frozenset):
            names |= {c for c in const if isinstance(c, str)}
    for name in code.co_names:
        target = globals_.get(name)
        if (
            isinstance(target, types.FunctionType)
            and (target.__module__ or "").find("openfisca") >= 0
        ):
            names |= _names_in_code(target.__code__, target.__globals__, seen)
        elif isinstance(target, list | tuple | set | frozenset):
            names |= {item for item in target if isinstance(item, str)}
        elif isinstance(target, dict):
            names |= {
                item for item in list(target) + list(target.values()) if isinstance(item, str)
            }
    return names


def static_dependencies(system: Any) -> dict[str, set[str]]:
    """Variable → variables its formulas may read (from their code)."""
    known = set(system.variables)
    out: dict[str, set[str]] = {}
    for name, variable in system.variables.items():
        deps: set[str] = set()
        for formula in variable.formulas.values():
            code = getattr(formula, "__code__", None)
            if code is not None:
                deps |= _names_in_code(code, formula.__globals__, set()) & known
        deps.discard(name)
        out[name] = deps
    return out


def _aid_periods(engine: FrenchEngine, month: str) -> list[tuple[str, str]]:
    wanted: list[tuple[str, str]] = []
    for aid in engine.aids:
        period = month if aid.period == "month" else month[:4]
        wanted.append((aid.variable, period))
        for key in aid.key_variables:
            if key in engine.system.variables:
                unit = engine.system.variables[key].definition_period
                wanted.append((key, month[:4] if str(unit) == "year" else month))
    return wanted


def _walk(nodes: Iterable[Any]) -> Iterator[Any]:
    """Every node of trees (trace nodes: a list of children; parameter nodes:
    a dict of them; leaves: none)."""
    stack = list(nodes)
    while stack:
        node = stack.pop()
        yield node
        children = getattr(node, "children", None) or ()
        stack.extend(children.values() if isinstance(children, dict) else children)


def dependency_closure(graph: Mapping[str, Iterable[str]], root: str) -> set[str]:
    """``root`` and every variable reachable from it in ``graph``."""
    seen = {root}
    stack = [root]
    while stack:
        for child in graph.get(stack.pop(), ()):
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return seen


def _source_file(system: Any, name: str) -> str | None:
    """The file defining the formulas of variable ``name`` (None for inputs)."""
    for formula in system.variables[name].formulas.values():
        code = getattr(formula, "__code__", None)
        if code is not None:
            return str(code.co_filename)
    return None


def derive_profile(engine: FrenchEngine) -> Profile:
    """Derive which formulas are zero for every household we can describe.

    A variable is pruned when (1) no chain of dependencies — traced on the
    reference households, or read from its formulas' code — leads to an input
    the questionnaire sets, so its value only depends on the period and the
    household's structure, and (2) it took its default value on every
    reference household at every profile month. Then the parameters each aid's
    pruned computation reads are recorded, for the stale-amount flags.
    Slow (tens of seconds): runs once per OpenFisca version, then is cached.
    """
    system = engine.system
    aid_variables = [aid.variable for aid in engine.aids]  # settled for, as the engine does
    edges: dict[str, set[str]] = {}
    traced: set[str] = set()
    non_default: set[str] = set()
    households = reference_households()
    for month in PROFILE_MONTHS:
        plan = plan_households(households, month)
        simulation = build_simulation(system, plan)
        simulation.trace = True
        settle(simulation, month, order=STEADY_STATE_ORDER, reading=aid_variables)
        for variable, period in _aid_periods(engine, month):
            try:
                simulation.calculate(variable, period)
            except Exception as error:  # an aid that cannot compute is reported at evaluation
                _warn("profile: aid failed", f"{variable}@{period}: {type(error).__name__}")
        for node in _walk(simulation.tracer.trees):
            traced.add(node.name)
            edges.setdefault(node.name, set()).update(child.name for child in node.children)
            if node.name not in non_default and not _is_default(
                system.variables[node.name], node.value
            ):
                non_default.add(node.name)
    for name, deps in static_dependencies(system).items():
        edges.setdefault(name, set()).update(deps)
    dependents: dict[str, set[str]] = {}
    for parent, children in edges.items():
        for child in children:
            dependents.setdefault(child, set()).add(parent)
    reach = set(PLAN_INPUT_VARIABLES)
    frontier = list(reach)
    while frontier:
        for parent in dependents.get(frontier.pop(), ()):
            if parent not in reach:
                reach.add(parent)
                frontier.append(parent)
    pruned = frozenset(
        name
        for name in traced
        if system.variables[name].formulas and name not in reach and name not in non_default
    )
    # The aid's legal parameters: those read by formulas written in the aid's
    # own source file (the RSA's amounts and ceilings, not the income tax
    # rules its resource base happens to touch), following the dependency
    # graph (a value computed for another aid is a childless cache hit).
    parameters_of: dict[str, set[str]] = {}
    graph: dict[str, set[str]] = {}
    for month in PROFILE_MONTHS:
        plan = plan_households(households, month)
        simulation = build_simulation(system, plan, pruned)
        simulation.trace = True
        settle(simulation, month, order=STEADY_STATE_ORDER, reading=aid_variables)
        for aid in engine.aids:
            period = month if aid.period == "month" else month[:4]
            try:
                simulation.calculate(aid.variable, period)
            except Exception as error:
                _warn("profile: aid failed", f"{aid.variable}@{period}: {type(error).__name__}")
        for node in _walk(simulation.tracer.trees):
            graph.setdefault(node.name, set()).update(c.name for c in node.children)
            parameters_of.setdefault(node.name, set()).update(p.name for p in node.parameters)
    aid_parameters: dict[str, set[str]] = {}
    for aid in engine.aids:
        home = _source_file(system, aid.variable)
        names = {
            name
            for name in dependency_closure(graph, aid.variable)
            if _source_file(system, name) == home
        }
        aid_parameters[aid.variable] = {p for name in names for p in parameters_of.get(name, ())}
    log_event(
        "profile derived",
        component=LOG_COMPONENT,
        reason=f"{len(traced)} variables traced",
        count=len(pruned),
    )
    return Profile(
        pruned=pruned,
        aid_parameters={k: tuple(sorted(v)) for k, v in aid_parameters.items()},
        structurally_zero=frozenset(a.variable for a in engine.aids if a.variable in pruned),
    )

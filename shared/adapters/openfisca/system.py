"""The OpenFisca-France system and its on-disk cache (cold start).

The parameters tree is pickled (YAML parsing is most of the build), variable
source files are not re-parsed for introspection, and parameters are resolved
lazily per date instead of the whole tree per date. ``import openfisca_*``
happens only inside functions: importing this package is cheap.

The pickles are read through :class:`EngineCache`: first the copy a deployed
package carries (built when the package is made, read-only, refused when it was
built for other OpenFisca versions), then the writable cache directory. A
deployed instance therefore answers its first request without building anything.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import importlib.metadata
import importlib.util
import inspect
import json
import os
import pickle
import sys
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from shared.adapters.openfisca.corrections import apply_corrections
from shared.structured_log import log_event

if TYPE_CHECKING:  # pragma: no cover - typing only
    from openfisca_core.taxbenefitsystems import TaxBenefitSystem


#: ``component`` of the engine's log events. They go through
#: :func:`shared.structured_log.log_event`, whose fixed vocabulary keeps personal
#: data out: a reason names a variable, a period or an exception type, never a
#: value or an exception's message (which may quote inputs).
LOG_COMPONENT = "openfisca_engine"


def _warn(event: str, reason: str, count: int | None = None) -> None:
    fields: dict[str, Any] = {"component": LOG_COMPONENT, "reason": reason}
    if count is not None:
        fields["count"] = count
    log_event(event, "WARNING", **fields)


#: Bump when the plan, the pruning derivation or a correction of the law
#: (``corrections``) changes: invalidates cached profiles.
PROFILE_VERSION = 8


ENGINE_DISTRIBUTIONS = ("openfisca-core", "openfisca-france")


EXTENSION_DISTRIBUTIONS = {
    "openfisca_france_local": "openfisca-france-local",
    "openfisca_paris": "openfisca-paris",
}


#: Months the pruning profile is derived at (fixed, so the profile is deterministic).
#: The API simulates from ``shared.models.simulation.FIRST_SUPPORTED_MONTH``
#: (2024-01, the earliest month the differential test proves; OpenFisca-France
#: lacks parameters for much older months) to 12 months after the current month.
PROFILE_MONTHS = ("2024-03", "2025-05")


def default_cache_dir() -> Path:
    """``~/.cache/sesame``: where the pickled parameters and profile live."""
    return Path("~/.cache/sesame").expanduser()


#: Where a deployed package carries its engine cache: ``engine_cache/`` beside
#: ``shared/`` at the package's root (``infra/package_functions.py`` builds it). A
#: checkout has none, so development and tests use the writable directory alone.
PACKAGED_CACHE_DIR = Path(__file__).resolve().parents[3] / "engine_cache"

#: The packaged cache's description: what it was built for and the files it holds.
CACHE_MANIFEST = "manifest.json"


def cache_manifest(versions: Mapping[str, str], files: Sequence[str]) -> dict[str, Any]:
    """The manifest of a packaged cache built with ``versions`` of the engine."""
    return {
        "distributions": dict(sorted(versions.items())),
        "profile_version": PROFILE_VERSION,
        "files": sorted(files),
    }


#: Data files OpenFisca-France's formulas parse on first use into a module global:
#: variable whose formula reads it → (the global, the module's function that fills it).
#: The APL zone of every commune comes from a 37,000-row CSV, ~0.3 s of a new
#: instance's first simulation; the engine keeps the parsed table in its cache
#: (shipped in the package) and sets the global before any simulation.
PRELOADED_TABLES: dict[str, tuple[str, str]] = {
    "zone_apl": ("zone_apl_by_depcom", "preload_zone_apl"),
}


def _formula_globals(system: Any, variable: str) -> dict[str, Any] | None:
    """The module globals the formulas of ``variable`` run with (None if unknown)."""
    found = system.variables.get(variable)
    formulas = list(found.formulas.values()) if found is not None else []
    return getattr(formulas[0], "__globals__", None) if formulas else None


def parsed_tables(system: Any) -> dict[str, Any]:
    """Each table of :data:`PRELOADED_TABLES`, parsed by OpenFisca-France's own code."""
    tables: dict[str, Any] = {}
    for variable, (name, fill) in PRELOADED_TABLES.items():
        module = _formula_globals(system, variable)
        if module is None or name not in module or not callable(module.get(fill)):
            continue  # another OpenFisca-France: it parses its own files itself
        module[fill]()
        tables[variable] = module[name]
    return tables


def install_tables(system: Any, tables: dict[str, Any]) -> None:
    """Set each parsed table as the global its formulas read, unless already set."""
    for variable, table in tables.items():
        name, _ = PRELOADED_TABLES[variable]
        module = _formula_globals(system, variable)
        if module is not None and module.get(name) is None:
            module[name] = table


class EngineCache:
    """The engine's pickles: the package's read-only copy first, then a writable directory.

    ``packaged`` defaults to :data:`PACKAGED_CACHE_DIR`. It is used only when its
    manifest names exactly the installed engine distributions and this code's
    :data:`PROFILE_VERSION`; otherwise it is ignored (logged) and the engine builds in
    memory, saving to ``writable`` when it can. Nothing is ever written into the
    package. ``loaded`` and ``written`` map the names read and saved to their files
    (the packager copies them; tests check where they came from).
    """

    def __init__(
        self,
        writable: Path,
        versions: Mapping[str, str],
        packaged: Path | None = None,
    ) -> None:
        self.writable = writable
        packaged = PACKAGED_CACHE_DIR if packaged is None else packaged
        self.packaged = packaged if _matches(packaged, versions) else None
        self.loaded: dict[str, Path] = {}
        self.written: dict[str, Path] = {}

    def read(self, name: str) -> Any | None:
        """The object pickled as ``name``, or None when no usable copy exists."""
        for directory, origin in ((self.packaged, "package"), (self.writable, "directory")):
            if directory is None or not (directory / name).is_file():
                continue
            try:
                with (directory / name).open("rb") as handle, collector_paused():
                    value = pickle.load(handle)  # noqa: S301 - our own cache file
            except Exception as error:  # a corrupt cache is rebuilt, never fatal
                _warn("ignoring unreadable engine cache", f"{origin}: {type(error).__name__}")
                continue
            self.loaded[name] = directory / name
            log_event(
                "engine cache loaded",
                "INFO",
                component=LOG_COMPONENT,
                reason=f"{name.split('-')[0]} from the {origin}",
            )
            return value
        return None

    def write(self, name: str, value: Any) -> None:
        """Save ``value`` as ``name`` in the writable directory (a failure is logged only)."""
        path = self.writable / name
        if _write_atomically(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)):
            self.written[name] = path


def _matches(packaged: Path, versions: Mapping[str, str]) -> bool:
    """True when the package's cache was built for exactly this engine."""
    manifest_path = packaged / CACHE_MANIFEST
    if not manifest_path.is_file():
        return False
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        built_for = manifest["distributions"]
        profile_version = manifest["profile_version"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        _warn("ignoring the packaged engine cache", f"manifest: {type(error).__name__}")
        return False
    if built_for != dict(versions) or profile_version != PROFILE_VERSION:
        drift = sorted(
            f"{name} {built_for.get(name)} != {versions.get(name)}"
            for name in set(built_for) | set(versions)
            if built_for.get(name) != versions.get(name)
        )
        if profile_version != PROFILE_VERSION:
            drift.append(f"profile {profile_version} != {PROFILE_VERSION}")
        _warn("ignoring the packaged engine cache built for another engine", "; ".join(drift))
        return False
    return True


def _installed_versions(extensions: Sequence[str]) -> dict[str, str]:
    names = list(ENGINE_DISTRIBUTIONS) + [EXTENSION_DISTRIBUTIONS[e] for e in extensions]
    return {name: importlib.metadata.version(name) for name in names}


_PAUSE_LOCK = threading.Lock()
_PAUSES = 0  # blocks inside collector_paused() now, over every thread
_TURNED_OFF = False  # whether the first of them turned the collector off


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for a block whose allocations all live
    until it ends; back on afterwards as it was.

    * Building the engine: unpickling the parameters (~100,000 objects) and
      creating 3,250 variables allocate only long-lived objects, yet every few
      hundred allocations triggered a collection that scanned them all: half the
      engine's build time on a new instance (measured: 0.7 s → 0.3 s of CPU).
    * Reading and evaluating an alerts batch: thousands of households' parsed
      answers, plans and OpenFisca holders were walked again and again, a quarter
      to a half of the time of reading the answers (bench/alerts.py,
      docs/alerts.md "Throughput"). The simulations are released by hand
      (``speedups.release``), the rest by reference counting.

    Several threads may be inside at once: the collector is turned back on
    when the last one leaves, and only if it was on when the first came in.
    """
    global _PAUSES, _TURNED_OFF
    with _PAUSE_LOCK:
        if _PAUSES == 0:
            _TURNED_OFF = gc.isenabled()
            gc.disable()
        _PAUSES += 1
    try:
        yield
    finally:
        with _PAUSE_LOCK:
            _PAUSES -= 1
            if _PAUSES == 0 and _TURNED_OFF:
                _TURNED_OFF = False
                gc.enable()


def _lazy_parameters_class() -> type:
    """A ``ParameterNodeAtInstant`` that resolves children when first read.

    OpenFisca-Core builds the whole tree (3,400 parameters) for every date a
    formula asks about; a simulation asks about ~80 dates, so the first
    simulation spends seconds building nodes no formula reads.
    """
    from openfisca_core.errors import ParameterNotFoundError
    from openfisca_core.parameters import (
        ParameterNode,
        ParameterNodeAtInstant,
        VectorialParameterNodeAtInstant,
    )

    class LazyParameterNodeAtInstant(ParameterNodeAtInstant):
        def __init__(self, name: str, node: Any, instant_str: str) -> None:
            self._name = name
            self._node = node
            self._instant_str = instant_str

        def _resolve(self, key: str) -> Any:
            child = self._node.children.get(key)
            if child is None:
                return None
            if type(child) is ParameterNode:
                value: Any = LazyParameterNodeAtInstant(child.name, child, self._instant_str)
            else:
                value = child._get_at_instant(self._instant_str)
            if value is not None:
                object.__setattr__(self, key, value)
            return value

        def __getattr__(self, key: str) -> Any:
            if key.startswith("__"):
                raise AttributeError(key)
            value = self._resolve(key)
            if value is None:
                raise ParameterNotFoundError(f"{self._name}.{key}", self._instant_str)
            return value

        @property
        def _children(self) -> dict[str, Any]:
            out: dict[str, Any] = {}
            for key in self._node.children:
                value = self.__dict__.get(key)
                if value is None:
                    value = self._resolve(key)
                if value is not None:
                    out[key] = value
            return out

        def __getitem__(self, key: Any) -> Any:
            if isinstance(key, np.ndarray):
                return VectorialParameterNodeAtInstant.build_from_node_name(self, key)
            value = self.__dict__.get(key)
            if value is None:
                value = self._resolve(key)
            if value is None:
                raise ParameterNotFoundError(f"{self._name}.{key}", self._instant_str)
            return value

        def __iter__(self) -> Iterator[str]:
            return iter(self._children)

        def __reduce__(self) -> Any:
            return (LazyParameterNodeAtInstant, (self._name, self._node, self._instant_str))

    return LazyParameterNodeAtInstant


def _build_system(parameters: Any | None, extensions: Sequence[str]) -> TaxBenefitSystem:
    """OpenFisca-France (+ extensions), from pickled parameters when given."""
    from openfisca_core import periods
    from openfisca_core.taxbenefitsystems import TaxBenefitSystem
    from openfisca_core.variables import Variable
    from openfisca_france.conf.cache_blacklist import cache_blacklist
    from openfisca_france.entities import entities
    from openfisca_france.france_taxbenefitsystem import COUNTRY_DIR, FranceTaxBenefitSystem

    lazy_node = _lazy_parameters_class()

    class SesameTaxBenefitSystem(FranceTaxBenefitSystem):
        """France without the costs a simulation service never needs."""

        def __init__(self) -> None:
            TaxBenefitSystem.__init__(self, entities)
            if parameters is None:
                self.load_parameters(os.path.join(COUNTRY_DIR, "parameters"))
            else:
                self.parameters = parameters
            self.add_variables_from_directory(os.path.join(COUNTRY_DIR, "model"))
            self.cache_blacklist = cache_blacklist
            self._at_instant: dict[Any, Any] = {}
            for extension in extensions:
                package = importlib.import_module(extension)
                directory = package.__path__[0]
                self.add_variables_from_directory(directory)
                param_dir = os.path.join(directory, "parameters")
                if parameters is None and os.path.isdir(param_dir):
                    from openfisca_core.parameters import ParameterNode

                    self.parameters.merge(ParameterNode(directory_path=param_dir))
            apply_corrections(self)

        def add_variables_from_file(self, file_path: str) -> None:
            # Same as OpenFisca-Core minus the ast parse of every file, which
            # only feeds the web API's "source code" field (~1 s at start).
            stem = os.path.splitext(os.path.basename(file_path))[0]
            module_name = f"{id(self)}_{hash(os.path.abspath(file_path))}_{stem}"
            spec = importlib.util.spec_from_file_location(module_name, file_path)
            if spec is None or spec.loader is None:
                return
            module = importlib.util.module_from_spec(spec)
            sys.modules[module_name] = module
            spec.loader.exec_module(module)
            for item in list(vars(module).values()):
                if (
                    inspect.isclass(item)
                    and issubclass(item, Variable)
                    and item.__module__ == module_name
                ):
                    variable_class: Any = item
                    variable_class.introspection_data = (file_path, "", 0)
                    self.add_variable(variable_class)

        def get_parameters_at_instant(self, instant: Any) -> Any:
            if isinstance(instant, periods.Period):
                key = instant.start
            elif isinstance(instant, periods.Instant):
                key = instant
            else:
                key = periods.instant(instant)
            node = self._at_instant.get(key)
            if node is None:
                node = self._at_instant[key] = lazy_node(
                    self.parameters.name, self.parameters, str(key)
                )
            return node

    with collector_paused():
        return SesameTaxBenefitSystem()


def plain_system(extensions: Sequence[str] = ()) -> TaxBenefitSystem:
    """OpenFisca-France as anyone would build it, with the product's
    corrections of the law (``corrections``): the baseline the tests' oracle
    runs computes the same law as the engine."""
    from openfisca_france import CountryTaxBenefitSystem

    system = CountryTaxBenefitSystem()
    for extension in extensions:
        system.load_extension(extension)
    apply_corrections(system)
    return system


def _write_atomically(path: Path, payload: bytes) -> bool:
    """Write a cache file so a concurrent reader never sees half of it; False if impossible
    (a read-only file system: the engine keeps what it built in memory)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        temporary.write_bytes(payload)
        temporary.replace(path)
    except OSError as error:
        _warn("cannot write engine cache; continuing without it", type(error).__name__)
        return False
    return True

"""The engine cache a package ships: used when built for this engine, refused otherwise,
never written into, and giving the same amounts as an engine built without it."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

pytest.importorskip("openfisca_france")

from shared.adapters import openfisca as oe
from shared.adapters.openfisca import cache_build, system
from shared.domain.aids.catalogue import load_catalogue

VERSIONS = {"openfisca-core": "44.7.1", "openfisca-france": "176.1.8"}


def _packaged(directory: Path, versions: dict[str, str], profile_version: int) -> Path:
    directory.mkdir(parents=True)
    (directory / "parameters-k.pickle").write_bytes(pickle.dumps({"from": "package"}))
    manifest = system.cache_manifest(versions, ["parameters-k.pickle"])
    manifest["profile_version"] = profile_version
    (directory / system.CACHE_MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    return directory


def _events(captured: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in captured.splitlines() if line.startswith("{")]


def test_a_cache_built_for_this_engine_is_read_from_the_package_first(tmp_path: Path) -> None:
    packaged = _packaged(tmp_path / "package", VERSIONS, system.PROFILE_VERSION)
    writable = tmp_path / "writable"
    writable.mkdir()
    (writable / "parameters-k.pickle").write_bytes(pickle.dumps({"from": "directory"}))
    cache = system.EngineCache(writable, VERSIONS, packaged)
    assert cache.read("parameters-k.pickle") == {"from": "package"}
    assert cache.loaded == {"parameters-k.pickle": packaged / "parameters-k.pickle"}
    assert cache.read("profile-k.pickle") is None


@pytest.mark.parametrize(
    ("built_for", "profile_version", "drift"),
    [
        (
            {**VERSIONS, "openfisca-france": "175.0.0"},
            system.PROFILE_VERSION,
            f"openfisca-france 175.0.0 != {VERSIONS['openfisca-france']}",
        ),
        (
            {**VERSIONS, "openfisca-paris": "5.5.15"},
            system.PROFILE_VERSION,
            "openfisca-paris 5.5.15 != None",
        ),
        (VERSIONS, system.PROFILE_VERSION - 1, f"profile {system.PROFILE_VERSION - 1} != "),
    ],
)
def test_a_cache_built_for_another_engine_is_refused_and_said_so(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    built_for: dict[str, str],
    profile_version: int,
    drift: str,
) -> None:
    packaged = _packaged(tmp_path / "package", built_for, profile_version)
    cache = system.EngineCache(tmp_path / "writable", VERSIONS, packaged)
    assert cache.packaged is None
    assert cache.read("parameters-k.pickle") is None
    [event] = _events(capsys.readouterr().out)
    assert event["severity"] == "WARNING"
    assert event["message"] == "ignoring the packaged engine cache built for another engine"
    assert drift in str(event["reason"])


def test_an_unwritable_cache_directory_is_logged_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("", encoding="utf-8")
    cache = system.EngineCache(blocked / "cache", VERSIONS, tmp_path / "no-package")
    cache.write("profile-k.pickle", {"built": "in memory"})
    assert cache.written == {}
    [event] = _events(capsys.readouterr().out)
    assert event["message"] == "cannot write engine cache; continuing without it"
    assert event["reason"] in {"NotADirectoryError", "FileExistsError"}


def test_the_builder_refuses_an_engine_other_than_the_pins() -> None:
    with pytest.raises(cache_build.CacheBuildError, match=r"OpenFisca-France .* pins 1\.0\.0"):
        cache_build.check_installed(["OpenFisca-France==1.0.0"])
    with pytest.raises(cache_build.CacheBuildError, match="not installed"):
        cache_build.check_installed(["openfisca-nowhere==1.0.0"])


def test_an_engine_on_the_packaged_cache_computes_the_same_amounts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The engine the simulate package pins (its City of Paris extension included).
    installed = system._installed_versions(("openfisca_paris",))
    requirements = [f"{name}=={version}" for name, version in installed.items()]
    packaged = tmp_path / "engine_cache"
    files = cache_build.build(packaged, requirements, system.default_cache_dir() / "packaged")
    assert sorted(p.name for p in packaged.iterdir()) == files
    aids = oe.aid_variables_from_catalogue(load_catalogue())

    monkeypatch.setattr(system, "PACKAGED_CACHE_DIR", packaged)
    deployed = oe.FrenchEngine(aids, cache_dir=tmp_path / "empty")
    deployed.profile  # noqa: B018 - loads the profile
    assert {path.parent for path in deployed.cache.loaded.values()} == {packaged}
    assert sorted(name.split("-")[0] for name in deployed.cache.loaded) == [
        "parameters",
        "profile",
        "tables",
    ]
    assert deployed.cache.written == {} and not (tmp_path / "empty").exists()

    monkeypatch.setattr(system, "PACKAGED_CACHE_DIR", tmp_path / "none")
    local = oe.FrenchEngine(aids, cache_dir=system.default_cache_dir())
    ids = [a.aid_id for a in local.aids if a.variable not in oe.BIRTH_GRANTS]
    for household in oe.reference_households():
        assert deployed.evaluate_household(household, "2025-05", ids) == (
            local.evaluate_household(household, "2025-05", ids)
        )


def test_the_commune_zone_table_comes_from_the_cache_as_openfisca_parses_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """OpenFisca-France parses the APL zone of every commune from a CSV on first
    use; the engine parses it once with OpenFisca's own code, keeps it in its
    cache, and a new engine starts with it set, the same table."""
    monkeypatch.setattr(system, "PACKAGED_CACHE_DIR", tmp_path / "none")
    aids = oe.aid_variables_from_catalogue(load_catalogue())
    first = oe.FrenchEngine(aids, cache_dir=tmp_path)
    assert [name for name in first.cache.written if name.startswith("tables-")]
    parsed = system._formula_globals(first.system, "zone_apl")
    assert parsed is not None

    second = oe.FrenchEngine(aids, cache_dir=tmp_path)
    assert [name for name in second.cache.loaded if name.startswith("tables-")]
    installed = system._formula_globals(second.system, "zone_apl")
    assert installed is not None and installed is not parsed  # each system its own modules
    table = installed["zone_apl_by_depcom"]
    assert table == parsed["zone_apl_by_depcom"] and len(table) > 30_000
    # Paris and its arrondissements are in zone 1 (arrêté du 17 mars 1978, zonage APL).
    assert table["75056"] == table["75111"] == 1

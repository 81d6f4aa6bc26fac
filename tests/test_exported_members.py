"""Every module declares __all__, and the package re-exports what it documents."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import floorwatch


def test_package_exports():
    for name in floorwatch.__all__:
        assert hasattr(floorwatch, name), name
    assert callable(floorwatch.open)


def test_every_module_declares_all():
    missing = []
    for info in pkgutil.walk_packages(floorwatch.__path__, "floorwatch."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        if not hasattr(module, "__all__"):
            missing.append(info.name)
        else:
            for name in module.__all__:
                assert hasattr(module, name), f"{info.name}.__all__ names missing {name}"
    assert not missing, f"modules without __all__: {missing}"


def _public_names(module) -> list[str]:
    """What a package's namespace offers: its names but private ones, submodules and the
    ``from __future__`` feature (as httpx's ``test_all_imports_are_exported``)."""
    return sorted(
        name
        for name, value in vars(module).items()
        if (not name.startswith("_") or name == "__version__")
        and not inspect.ismodule(value)
        and name != "annotations"
    )


#: The library's packages, each re-exporting its modules' public names (the CLI's package is
#: the command line's code, not a re-export).
LIBRARY_PACKAGES = ("store", "ingest", "metrics", "idealpoints", "risk", "claims", "web")


def test_every_package_exports_exactly_its_public_names():
    packages = [floorwatch] + [
        importlib.import_module(f"floorwatch.{name}") for name in LIBRARY_PACKAGES
    ]
    for package in packages:
        assert sorted(package.__all__) == _public_names(package), package.__name__


def test_the_package_exports_exactly_the_documented_names():
    """The top-level names, written out: the quick start's (``open``, ``ingest_voteview``,
    ``switches``), the store, and the errors and warnings a caller catches."""
    assert floorwatch.__all__ == [
        "ConfigError",
        "ConvergenceWarning",
        "EncodingError",
        "FloorwatchError",
        "InputError",
        "NotFoundError",
        "RecordEndWarning",
        "Store",
        "StoreError",
        "__version__",
        "ingest_voteview",
        "open",
        "open_store",
        "switches",
    ]
    assert floorwatch.switches is floorwatch.memberships.switches
    assert floorwatch.open is floorwatch.open_store

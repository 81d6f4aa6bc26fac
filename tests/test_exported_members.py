"""Every module declares __all__, and the package re-exports what it documents."""

from __future__ import annotations

import importlib
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

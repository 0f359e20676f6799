"""Package fronts that load their names on first use (PEP 562 module `__getattr__`):
importing one small module of a package does not load everything its front names."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping


def lazy_names(package: str, homes: Mapping[str, tuple[str, ...]]) -> Callable[[str], object]:
    """A module `__getattr__` for `package`: each name is imported from its home module
    (`homes`: module -> names) when first asked for."""

    def __getattr__(name: str) -> object:
        module = next((m for m, names in homes.items() if name in names), None)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(module), name)

    return __getattr__

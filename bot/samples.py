"""The sample knowledge shipped with the package, for `knooppunt demo` and `console --demo`.

Found through importlib.resources (package data of `knowledge`), so it works
from an installed wheel as well as from a source checkout.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from importlib import resources
from pathlib import Path


@contextlib.contextmanager
def sample_knowledge() -> Iterator[Path]:
    """A real directory holding knowledge/sample, for as long as the block runs."""
    with resources.as_file(resources.files("knowledge") / "sample") as path:
        yield path

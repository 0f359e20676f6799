"""Where the shared evaluation data lives: `KNOOPPUNT_EVAL_DIR`, else `../shared/eval`
beside the checkout (as on the development and CI machines)."""

from __future__ import annotations

import os
from pathlib import Path

EVAL = Path(
    os.environ.get("KNOOPPUNT_EVAL_DIR") or Path(__file__).resolve().parents[3] / "shared" / "eval"
)

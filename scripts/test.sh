#!/usr/bin/env bash
# The test command: sets everything up from a fresh clone, then runs lint,
# type checks and every test (unit, PostgreSQL, real-Synapse integration).
# Extra arguments go to pytest, e.g. scripts/test.sh tests/unit -x
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
.venv/bin/ruff check bot commands knowledge storage tests bench
.venv/bin/mypy
export KNOOPPUNT_SYNAPSE_PYTHON="$PWD/.venv-synapse/bin/python"
exec .venv/bin/python -m pytest -p no:cacheprovider "$@"

#!/usr/bin/env bash
# The demo command: sets everything up from a fresh clone (scripts/setup.sh),
# then runs `knooppunt demo`: a private Synapse on 127.0.0.1, the bot with the
# embedded SQLite database, four demo users and a short scenario. Ctrl-C stops
# everything. Extra arguments go to `knooppunt demo` (e.g. --port 8009).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export KNOOPPUNT_SYNAPSE_PYTHON="${KNOOPPUNT_SYNAPSE_PYTHON:-$PWD/.venv-synapse/bin/python}"
exec .venv/bin/knooppunt demo "$@"

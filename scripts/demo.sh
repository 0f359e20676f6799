#!/usr/bin/env bash
# The demo command: sets everything up from a fresh clone (scripts/setup.sh),
# then runs `knooppunt demo`: a private Synapse on 127.0.0.1, the bot with the
# embedded SQLite database, four demo users and a short scenario. Ctrl-C stops
# everything. Extra arguments go to `knooppunt demo` (e.g. --port 8009).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -x .venv/bin/knooppunt ] && [ -x .venv-synapse/bin/python ]; then
  echo "demo: checking the installation (a few seconds)"
else
  echo "demo: first run: installing Knooppunt and a local Synapse (roughly 4 minutes; each step is shown)"
fi
scripts/setup.sh
echo "demo: starting a local homeserver, the bot and four demo users (about 15-30 s)"
export KNOOPPUNT_SYNAPSE_PYTHON="${KNOOPPUNT_SYNAPSE_PYTHON:-$PWD/.venv-synapse/bin/python}"
exec .venv/bin/knooppunt demo "$@"

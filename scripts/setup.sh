#!/usr/bin/env bash
# Installs everything Knooppunt and its tests need, from nothing:
# .venv (the package + test tools), .venv-synapse (a real homeserver for tests
# and the demo), and the PostgreSQL server binaries (Debian package) if missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
quiet=(-q --disable-pip-version-check)

if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/pip install "${quiet[@]}" -e '.[test]'

# Synapse pins versions that clash with ours, so it gets a virtualenv of its own.
if ! .venv-synapse/bin/python -c 'import synapse' 2>/dev/null; then
  "$PYTHON" -m venv .venv-synapse
  .venv-synapse/bin/pip install "${quiet[@]}" matrix-synapse
fi

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null; then
  echo "setup: installing PostgreSQL (Debian package)"
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
fi
echo "setup: done"

#!/usr/bin/env bash
# Installs everything Knooppunt and its tests need, from nothing:
# .venv (the package + test tools), .venv-synapse (a real homeserver for tests
# and the demo), and the PostgreSQL server binaries and Chromium (Debian packages)
# if missing.
# Each step says what it does and roughly how long it takes; pip itself stays
# quiet. A second run finds everything in place and takes a few seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
quiet=(-q --disable-pip-version-check)
started=$SECONDS

step() { echo "setup: $*"; }
took() { echo "setup:   ... done ($((SECONDS - $1)) s)"; }

if [ ! -x .venv/bin/python ]; then
  t=$SECONDS
  step "creating .venv (a few seconds)"
  "$PYTHON" -m venv .venv
  took "$t"
fi
t=$SECONDS
if .venv/bin/python -c 'import bot, nio, pytest' 2>/dev/null; then
  step "checking Knooppunt in .venv (installed before: about 10 s)"
else
  step "installing Knooppunt, its libraries and the test tools into .venv (roughly 1-2 minutes)"
fi
.venv/bin/pip install "${quiet[@]}" -e '.[test]'
took "$t"

# Synapse pins versions that clash with ours, so it gets a virtualenv of its own.
if ! .venv-synapse/bin/python -c 'import synapse' 2>/dev/null; then
  t=$SECONDS
  step "installing Synapse, the local homeserver, into .venv-synapse (roughly 2 minutes, once)"
  "$PYTHON" -m venv .venv-synapse
  .venv-synapse/bin/pip install "${quiet[@]}" matrix-synapse
  took "$t"
fi

# Debian packages: PostgreSQL for the storage tests; Chromium for the portal's browser
# tests (Playwright is told where it is; it never downloads a browser of its own).
apt_install() {  # package; what is installed, for what and how long it takes
  t=$SECONDS
  step "installing $2"
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$1" >/dev/null
  took "$t"
}
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null; then
  apt_install postgresql "PostgreSQL for the storage tests (Debian package, about 1 minute, once)"
fi
if ! command -v chromium >/dev/null; then
  apt_install chromium "Chromium for the portal's browser tests (Debian package, about 1-2 minutes, once)"
fi
echo "setup: everything in place ($((SECONDS - started)) s)"

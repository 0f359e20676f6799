#!/usr/bin/env bash
# The test command: sets everything up from a fresh clone, then runs lint,
# type checks and every test (unit, PostgreSQL, real-Synapse integration).
# Extra arguments go to pytest, e.g. scripts/test.sh tests/unit -x
#
# The tests run in KNOOPPUNT_TEST_WORKERS pytest-xdist workers (default 2), each
# with a Synapse and a PostgreSQL of its own: most of a test's time is spent
# waiting for the homeserver and the bot, so two workers keep two cores busy.
# KNOOPPUNT_TEST_WORKERS=0 runs them in one process, in file order.
# mypy runs beside the tests (it is the one CPU-bound step before them); its
# verdict is printed after theirs and fails the run as before.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
scripts/setup.sh
.venv/bin/ruff check bot commands knowledge storage tests bench
mypy_log=$(mktemp)
trap 'rm -f "$mypy_log"' EXIT
.venv/bin/mypy >"$mypy_log" 2>&1 &
mypy_pid=$!
export KNOOPPUNT_SYNAPSE_PYTHON="$PWD/.venv-synapse/bin/python"
workers=${KNOOPPUNT_TEST_WORKERS:-2}
parallel=()
[ "$workers" = 0 ] || parallel=(-n "$workers" --dist worksteal)
tests_status=0
.venv/bin/python -m pytest -p no:cacheprovider "${parallel[@]}" "$@" || tests_status=$?
mypy_status=0
wait "$mypy_pid" || mypy_status=$?
echo "mypy:"
cat "$mypy_log"
echo "test.sh: pytest exit $tests_status, mypy exit $mypy_status ($((SECONDS - started)) s in all)"
if [ "$tests_status" != 0 ]; then exit "$tests_status"; fi
exit "$mypy_status"

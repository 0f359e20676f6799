"""scripts/setup.sh and scripts/demo.sh tell a newcomer what they are doing and for how long.

The scripts run for real in a copy of `scripts/`, with stand-ins for python, pip and
knooppunt (installing for real would take minutes and need the network).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# A stand-in python: `-m venv DIR` makes DIR/bin with stand-ins for python, pip and
# knooppunt. Each logs its arguments; a venv's python "imports" only after its pip ran.
FAKE_PYTHON = """#!/usr/bin/env bash
echo "python $*" >> "$CALLS"
if [ "$1" = -m ] && [ "$2" = venv ]; then
  mkdir -p "$3/bin"
  cp "$STUBS"/* "$3/bin/"
fi
"""
STUBS = {
    "python": """#!/usr/bin/env bash
echo "$0 $*" >> "$CALLS"
if [ "$1" = -c ]; then [ -e "$(dirname "$0")/../installed" ]; exit $?; fi
""",
    "pip": """#!/usr/bin/env bash
echo "$0 $*" >> "$CALLS"
touch "$(dirname "$0")/../installed"
""",
    "knooppunt": """#!/usr/bin/env bash
echo "$0 $*" >> "$CALLS"
""",
}


def executable(path: Path, text: str) -> None:
    path.write_text(text)
    path.chmod(0o755)


def sandbox(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    root = tmp_path / "checkout"
    shutil.copytree(ROOT / "scripts", root / "scripts")
    stubs = tmp_path / "stubs"
    stubs.mkdir()
    for name, text in STUBS.items():
        executable(stubs / name, text)
    executable(tmp_path / "fake-python", FAKE_PYTHON)
    bin_dir = tmp_path / "bin"  # `initdb` on PATH: PostgreSQL counts as installed
    bin_dir.mkdir()
    executable(bin_dir / "initdb", "#!/bin/sh\n")
    env = {
        **os.environ,
        "PYTHON": str(tmp_path / "fake-python"),
        "STUBS": str(stubs),
        "CALLS": str(tmp_path / "calls.log"),
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
    }
    env.pop("KNOOPPUNT_SYNAPSE_PYTHON", None)
    return root, env


def run(script: Path, env: dict[str, str]) -> list[str]:
    result = subprocess.run(
        ["bash", str(script)], env=env, capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stderr == ""
    return result.stdout.splitlines()


def test_setup_names_each_step_with_a_rough_duration(tmp_path: Path) -> None:
    root, env = sandbox(tmp_path)
    first = run(root / "scripts" / "setup.sh", env)
    assert any(line.startswith("setup: creating .venv") for line in first), first
    install = [line for line in first if "into .venv " in line or "into .venv (" in line]
    assert install and "minute" in install[0], first
    synapse = [line for line in first if "Synapse" in line]
    assert synapse and "minute" in synapse[0], first
    assert sum("... done (" in line for line in first) == 3  # venv, package, Synapse
    assert first[-1].startswith("setup: everything in place (") and first[-1].endswith(" s)")
    # pip stays quiet: every pip call carries -q.
    calls = (root.parent / "calls.log").read_text().splitlines()
    pip_calls = [c for c in calls if "/bin/pip " in c]
    assert len(pip_calls) == 2 and all(" -q " in c for c in pip_calls), calls

    # A second run has nothing to install, and says so.
    again = run(root / "scripts" / "setup.sh", env)
    assert not any("Synapse" in line or "creating" in line for line in again), again
    assert any("installed before" in line for line in again), again


def test_demo_says_what_it_does_before_the_long_wait(tmp_path: Path) -> None:
    root, env = sandbox(tmp_path)
    lines = run(root / "scripts" / "demo.sh", env)
    assert lines[0].startswith("demo: first run: installing") and "minutes" in lines[0], lines
    assert lines[1].startswith("setup: "), lines
    assert lines[-1].startswith("demo: starting a local homeserver"), lines
    calls = (root.parent / "calls.log").read_text().splitlines()
    assert calls[-1].endswith("/.venv/bin/knooppunt demo"), calls
    again = run(root / "scripts" / "demo.sh", env)
    assert again[0] == "demo: checking the installation (a few seconds)", again

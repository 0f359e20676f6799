"""Top functions of a py-spy collapsed-stack profile (`py-spy record -f raw`).

    python -m bench.profile_top profile-backlog.txt [--top 20] [--only knooppunt]

Self: samples where the function is the innermost frame. Total: samples where it
is anywhere on the stack (counted once per sample).
"""

from __future__ import annotations

import argparse
import collections
import re
from pathlib import Path

FRAME = re.compile(r"^(?P<name>.+?) \((?P<file>[^:()]+)(?::\d+)?\)$")


def frames(stack: str) -> list[tuple[str, str]]:
    out = []
    for frame in stack.split(";"):
        match = FRAME.match(frame.strip())
        out.append((match["name"], match["file"]) if match else (frame, ""))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("profile", type=Path)
    parser.add_argument("--top", type=int, default=20)
    args = parser.parse_args()
    own: collections.Counter[str] = collections.Counter()
    total: collections.Counter[str] = collections.Counter()
    samples = 0
    for line in args.profile.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        samples += n
        names = [f"{name} ({Path(file).name})" for name, file in frames(stack)]
        own[names[-1]] += n
        for name in set(names):
            total[name] += n
    print(f"{args.profile.name}: {samples} samples")
    print("  self:")
    for name, n in own.most_common(args.top):
        print(f"    {100 * n / samples:5.1f}%  {name}")
    print("  total:")
    for name, n in total.most_common(args.top):
        print(f"    {100 * n / samples:5.1f}%  {name}")


if __name__ == "__main__":
    main()

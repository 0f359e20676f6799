"""The master key the bot first saw for each person: a changed one is not trusted.

A cross-signed device is only as trustworthy as the master key that signed it, and the
homeserver lets anyone with a person's password upload a new master key (an "identity
reset") and sign a device of their own with it. Checking only that the chain holds would
hand that device the room keys of every room the person shares with the bot: a phished
password would be enough to read every later TLP:AMBER/RED reply. So the first master
key the bot sees for a person is pinned here (trust on first use of the identity, as
Element does); a different one later makes all that person's devices untrusted until an
operator, having checked the new key with the person, runs
`knooppunt crypto accept-identity USER`; the running bot sees the file change (`changed`)
and judges that person's devices again, no restart needed.

The file `<data_dir>/identities.json` maps user ids to master keys (public keys, no
secret). The bot and the command both write it: each change is made under a lock on
`identities.json.lock`, to the file as it is on disk at that moment, and the file is
replaced atomically, so neither writes back a pin the other has just added or dropped.
An unreadable file is never overwritten, and never replaced by pins made afresh (that
would pin whatever master key the homeserver shows now, an attacker's reset included):
while the file cannot be read (corrupt, or gone after it was read) no identity holds,
so nobody's devices get room keys or are acted on; the log says so loudly, and the file
is read again as soon as it changes (an operator restores it from the backup).

A bot that ran under `tofu` before session 16 never wrote the file, so switching it to
`cross-signed` finds it missing after a run, which counts as lost. The log then names
`knooppunt crypto new-identities` (`start_empty`): it starts the file empty only when it
does not exist and the crypto store shows that no device of anyone else was ever judged
(a `cross-signed` run pins while it judges, so after one the file held pins: restored
from the backup, never started afresh, which would trust an attacker's reset).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

log = logging.getLogger(__name__)

PIN_FILE_NAME = "identities.json"


def ran_before(data_dir: Path) -> bool:
    """Whether the bot has logged in from `data_dir` before: its crypto store holds an
    account (nio writes `<user>_<device>.db` at the first login). Then a missing pin file
    is a loss (a restore that left it out), not a first start."""
    store = data_dir / "crypto"
    return store.is_dir() and any(store.glob("*.db"))


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """The lock every writer of the pin file holds (`identities.json.lock`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def judged_before(data_dir: Path, bot_user: str) -> bool | None:
    """Whether a `cross-signed` run judged a device of anyone but the bot here (nio's
    crypto store keeps each verified or blacklisted device; `tofu` lifts blacklists and
    verifies nobody). None when a store cannot be read: no proof either way."""
    judged = False
    for store in sorted((data_dir / "crypto").glob("*.db")):
        try:
            with contextlib.closing(sqlite3.connect(f"file:{store}?mode=ro", uri=True)) as db:
                found = db.execute(
                    "SELECT COUNT(*) FROM devicetruststate AS t JOIN devicekeys AS d"
                    " ON t.device_id = d.id WHERE t.state IN (1, 2) AND d.user_id != ?",
                    (bot_user,),
                ).fetchone()
        except sqlite3.Error:
            return None
        judged = judged or bool(found and found[0])
    return judged


def start_empty(data_dir: Path, bot_user: str) -> str:
    """`knooppunt crypto new-identities`: write `{}` as the pin file when that trusts no
    reset (see the module docstring). Returns what happened: "started", "exists",
    "judged" (a cross-signed run pinned here: restore it) or "unknown" (the crypto
    store cannot be read)."""
    path = data_dir / PIN_FILE_NAME
    if path.exists():
        return "exists"  # readable or not: never replaced (restored from the backup)
    judged = judged_before(data_dir, bot_user)
    if judged is None:
        return "unknown"
    if judged:
        return "judged"
    with _file_lock(path):  # as every writer of the file
        if path.exists():
            return "exists"
        fd, tmp = tempfile.mkstemp(prefix=".identities-", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write("{}\n")
            os.link(tmp, path)  # fails if it appeared meanwhile: never written over
        except FileExistsError:
            return "exists"
        finally:
            Path(tmp).unlink(missing_ok=True)
    return "started"


class IdentityPins:
    def __init__(self, path: Path | None, *, ran_before: bool = False) -> None:
        self.path = path  # None: in memory only
        # False while the file cannot be read: the pins read before still hold, nobody
        # new is pinned and no changed identity is accepted.
        self._writable = True
        # Read once (or the bot ran before): its absence is a loss, not a first start.
        self._existed = ran_before
        self._told: tuple[tuple[int, int, int] | None] | None = None  # broken file logged
        self._seen = self._stamp()
        self.pins: dict[str, str] = {}
        self.pins = self._load()
        if self._writable and path is not None and not path.exists():
            # The first start writes the (empty) file at once: after any run a missing
            # file is a loss, also when nobody was pinned yet.
            self._change(lambda pins: None)

    @property
    def readable(self) -> bool:
        return self._writable

    @property
    def outage(self) -> str | None:
        """While the file is unreadable: a token of its broken state (the file's inode,
        time and size, or its absence), the same across restarts until the file is
        replaced; None while it is readable. Keeps the rooms' notice to one per room."""
        if self._writable:
            return None
        return hashlib.sha256(repr(self._stamp()).encode()).hexdigest()[:16]

    def _load(self) -> dict[str, str]:
        if self.path is None:
            return {}
        data: object
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            if not self._existed:
                self._writable = True
                return {}  # the first start: nothing pinned yet
            data = exc
        except (OSError, ValueError) as exc:
            data = exc
        if not isinstance(data, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in data.items()
        ):
            self._unreadable(data)
            # What this process read before still holds: refusing people whose identity
            # was just read left every room unable even to read why (no room keys).
            return dict(self.pins)
        self._writable = self._existed = True
        self._told = None
        return dict(data)

    def _unreadable(self, data: object) -> None:
        """Fail closed, and say so once per broken state of the file."""
        self._writable = False
        stamp = (self._stamp(),)
        if self._told == stamp:
            return
        self._told = stamp
        if isinstance(data, FileNotFoundError):
            log.error(
                "IDENTITY PINS UNREADABLE: %s is missing, but the bot ran here before: nobody "
                "new is trusted until it is back. If it was lost, restore it from the "
                "backup. If this bot ran under encryption_trust: tofu before session 16 "
                "(which wrote no such file), run `knooppunt crypto new-identities` (it "
                "refuses if identities were pinned here); the running bot reads the file "
                "after its next sync",
                self.path,
            )
            return
        log.error(
            "IDENTITY PINS UNREADABLE: %s (%s); only identities this process read before "
            "still hold: nobody new is trusted (no room keys, no messages acted on) and no "
            "changed identity is accepted until the file is readable again: restore it "
            "from the backup (the running bot reads it after its next sync). To pin every "
            "identity afresh, an attacker's reset included, write {} into it",
            self.path,
            data if isinstance(data, Exception) else "not a map of user ids to keys",
        )

    def _stamp(self) -> tuple[int, int, int] | None:
        """What tells a changed file apart (inode: it is replaced, never written in place)."""
        if self.path is None:
            return None
        try:
            st = self.path.stat()
        except OSError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def changed(self) -> bool:
        """Whether the file changed, other than by this process, since the last
        `acknowledge` (one stat). Reading it (`refresh`) does not count: a key query
        re-reads the pins for the people it asked about, not for everyone."""
        return self.path is not None and self._stamp() != self._seen

    def acknowledge(self) -> None:
        """Every device is being judged again by the file as it is now."""
        self._seen = self._stamp()

    def refresh(self) -> None:
        """Read the file again (`knooppunt crypto accept-identity` may have changed it)."""
        if self.path is not None:
            self.pins = self._load()

    def holds(self, user_id: str, master: str) -> bool:
        """Whether `master` is the person's pinned master key; pinned when it is the first.
        Never while the file is unreadable (fail closed)."""
        pinned = self.pins.get(user_id)
        if not self._writable:
            return pinned is not None and pinned == master  # nobody new, no change
        if pinned is None:
            self._change(lambda pins: pins.setdefault(user_id, master))
            pinned = self.pins.get(user_id, master)
        return pinned == master

    def differs(self, user_id: str, master: str) -> bool:
        """Whether another master key than `master` is pinned for the person (theirs
        changed to `master` and is not accepted yet); reads nothing, pins nothing."""
        pinned = self.pins.get(user_id)
        return pinned is not None and pinned != master

    def forget(self, user_id: str) -> bool:
        """Drop a person's pin (the operator accepted their new identity)."""
        if user_id not in self.pins:
            return False
        self._change(lambda pins: pins.pop(user_id, None))
        return True

    def _locked(self) -> contextlib.AbstractContextManager[None]:
        assert self.path is not None
        return _file_lock(self.path)

    def _change(self, change: Callable[[dict[str, str]], object]) -> None:
        """Apply `change` to the pins as they are on disk now, and write them back."""
        if self.path is None:
            change(self.pins)
            return
        if not self._writable:
            return  # never written over, nor pinned in memory (fail closed)
        with self._locked():
            outside_change = self._stamp() != self._seen  # not acted on yet: keep it seen
            current = self._load()
            if not self._writable:  # became unreadable meanwhile: leave it, pin nothing
                return
            change(current)
            self.pins = current
            self._save()
            if not outside_change:
                self._seen = self._stamp()

    def _save(self) -> None:
        if self.path is None or not self._writable:
            return
        fd, tmp = tempfile.mkstemp(prefix=".identities-", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(self.pins, out, indent=1, sort_keys=True)
            os.replace(tmp, self.path)
            self._existed = True
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

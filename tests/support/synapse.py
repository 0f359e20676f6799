"""The suite's homeserver is the one `knooppunt demo` uses: see bot/devtools/local_homeserver.py."""

from bot.devtools.local_homeserver import (
    SHARED_SECRET,
    HomeserverError,
    Synapse,
    synapse_python,
)

__all__ = ["SHARED_SECRET", "HomeserverError", "Synapse", "synapse_python"]

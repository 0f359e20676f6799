"""The suite's homeserver is the one `knooppunt demo` uses: see bot/local_homeserver.py."""

from bot.local_homeserver import SHARED_SECRET, Synapse, synapse_python

__all__ = ["SHARED_SECRET", "Synapse", "synapse_python"]

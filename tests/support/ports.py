"""Free loopback ports for the servers the suite starts."""

from bot.devtools.local_homeserver import free_port, port_open

__all__ = ["free_port", "port_open"]

"""The registry with every command the bot knows."""

from __future__ import annotations

from commands.help import HELP
from commands.registry import Registry


def build_registry() -> Registry:
    registry = Registry()
    registry.add(HELP)
    return registry

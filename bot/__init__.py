"""The Matrix side of Knooppunt: client, sync loop, sending, invites, E2EE, CLI."""

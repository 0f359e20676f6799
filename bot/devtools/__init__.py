"""Developer tooling: `knooppunt demo`, its demo users and a private local Synapse.

Nothing in the running bot imports this package (tests/unit/test_layering.py
checks it); only the `demo` subcommand of the CLI loads it, lazily.
"""

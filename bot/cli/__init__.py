"""The `knooppunt` command line: `main` parses and runs; each subcommand lives in its
own module here and is imported only when it runs."""

from bot.cli.main import build_parser, main

__all__ = ["build_parser", "main"]

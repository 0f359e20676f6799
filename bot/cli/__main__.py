"""`python -m bot.cli ...`, as the tests and the demo start the bot."""

import sys

from bot.cli.main import main

sys.exit(main())

"""``python -m bot`` is the ``safetybot`` command."""

import sys

from bot.cli import main

sys.exit(main())

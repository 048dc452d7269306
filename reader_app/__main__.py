"""Allows ``python -m reader_app``."""

import sys

from reader_app.app import main

sys.exit(main())

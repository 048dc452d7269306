"""Guards against a known-bad Qt binding build.

PySide6 6.12.0 on Python 3.11 drops a reference to None on each call of a void method, and
the interpreter later aborts ("deallocating None"). The pin in pyproject.toml avoids it;
this test fails loudly if a future upgrade brings such a build back.
"""

from __future__ import annotations

import gc
import sys

from PySide6.QtGui import QFont, QTextBlockFormat


def test_void_methods_do_not_leak_references_to_none() -> None:
    font = QFont()
    block_format = QTextBlockFormat()
    gc.collect()
    before = sys.getrefcount(None)
    for _ in range(200):
        font.setWeight(QFont.Weight.Normal)
        block_format.setBottomMargin(4.0)
    gc.collect()
    assert sys.getrefcount(None) - before > -50

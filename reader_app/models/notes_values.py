"""The storage layer's plain values that widgets may hold, handed on by the models layer.

Widgets never import ``storage/`` (tests/test_layers.py checks it): what they need of it are
a few frozen values and an enum, which they take from here, so that the only way from a
widget to the notes stays the controller and the list model.
"""

from reader_app.storage.notes_repo import HIGHLIGHT_PREVIEW_CHARS, MarkedText, NoteOrder

__all__ = ["HIGHLIGHT_PREVIEW_CHARS", "MarkedText", "NoteOrder"]

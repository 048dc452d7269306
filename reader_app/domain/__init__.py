"""Pure-Python domain core: texts, glossary, notes, anchoring and export. Imports no Qt."""

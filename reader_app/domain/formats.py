"""The export formats, named apart so the command line can list them without loading export."""

FORMATS = ("markdown", "json", "csv")

"""Widgets. They show state and emit requests; they never run SQL or read files directly."""

"""Notes on several computers through a folder the reader already syncs (issue 16).

Each device appends its changes to its own log in the sync folder (``log``), stamps them with
a hybrid logical clock (``clock``), and merges the other devices' logs by id (``merge``).
Nothing here touches Qt, the database or the live data folder: the wiring does.
"""

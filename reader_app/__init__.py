"""Study Reader: an offline study reader for one serious text.

The names below are read by the packaging spec and the About box, so they live in one place.
"""

__version__ = "0.1.0"
APP_NAME = "Study Reader"
APP_ID = "io.github.studyreader.StudyReader"
EXECUTABLE = "study-reader"
LICENSE = "GPL-3.0-or-later"

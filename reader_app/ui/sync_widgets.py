"""Sync in the window: the Sync section of Preferences and the status bar's sync field.

Both only show and ask; ``app.py`` connects them to the ``SyncController`` (models/),
which does the syncing. Choosing a folder is all the set-up there is.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStatusBar,
    QWidget,
)

from reader_app.ui import dialogs

HINT = (
    "Choose a folder your other computers also see (Syncthing, Nextcloud, Dropbox, OneDrive, "
    "a USB stick). Study Reader writes only its change logs there, one file per computer; "
    "your notes file stays here."
)


class SyncSection(QGroupBox):
    """Preferences > Sync: the sync folder and this computer's name."""

    folder_chosen = Signal(str)  # a folder's path, or "" to stop syncing
    name_edited = Signal(str)

    def __init__(self, folder: str, device_name: str, parent: QWidget | None = None) -> None:
        super().__init__("Sync", parent)
        self.setObjectName("syncSection")
        form = QFormLayout(self)
        self.folder_field = QLineEdit(folder, self)
        self.folder_field.setReadOnly(True)
        self.folder_field.setPlaceholderText("Not syncing")
        self.folder_field.setAccessibleName("Sync folder")
        self.folder_field.setMinimumWidth(260)
        self.choose_button = QPushButton("&Choose…", self)
        self.choose_button.setAccessibleName("Choose sync folder")
        self.off_button = QPushButton("Stop S&yncing", self)
        self.off_button.setAccessibleName("Stop syncing")
        row = QHBoxLayout()
        row.addWidget(self.folder_field, 1)
        row.addWidget(self.choose_button)
        row.addWidget(self.off_button)
        label = QLabel("Sync &folder:", self)
        label.setBuddy(self.folder_field)
        form.addRow(label, row)
        self.name_field = QLineEdit(device_name, self)
        self.name_field.setAccessibleName("This computer's name")
        self.name_field.setMaxLength(80)
        form.addRow("This computer's &name:", self.name_field)
        hint = QLabel(HINT, self)
        hint.setWordWrap(True)
        hint.setEnabled(False)
        form.addRow(hint)
        self.choose_button.clicked.connect(self.choose)
        self.off_button.clicked.connect(lambda: self._set_folder(""))
        self.name_field.editingFinished.connect(
            lambda: self.name_edited.emit(self.name_field.text())
        )
        self.off_button.setEnabled(bool(folder))

    def choose(self) -> None:
        path = dialogs.choose_folder(self, "Sync Folder", self.folder_field.text())
        if path:
            self._set_folder(path)

    def _set_folder(self, path: str) -> None:
        self.folder_field.setText(path)
        self.off_button.setEnabled(bool(path))
        self.folder_chosen.emit(path)


class SyncStatusField(QLabel):
    """The status bar's permanent field: "Synced 2 minutes ago", problems as its tooltip."""

    def __init__(self, status_bar: QStatusBar) -> None:
        super().__init__(status_bar)
        self.setAccessibleName("Sync status")
        status_bar.addPermanentWidget(self)
        self.hide()

    def show_status(self, text: str, details: str) -> None:
        self.setText(text)
        self.setToolTip(details)
        self.setVisible(bool(text))

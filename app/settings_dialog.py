"""Settings the operator may change: language, theme, alert sound, map base."""

from __future__ import annotations

from PySide6.QtWidgets import (QApplication, QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout,
                               QLabel, QLineEdit, QVBoxLayout)

from app import i18n, theme
from app.context import AppContext


class SettingsDialog(QDialog):
    def __init__(self, ctx: AppContext, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        s = ctx.settings
        self.setWindowTitle(self.tr("Settings"))
        self.language = QComboBox()
        for code, name in (("system", self.tr("As the system")), ("ru", "Русский"), ("en", "English")):
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(s.language)))
        self.theme = QComboBox()
        self.theme.addItem(self.tr("Dark"), "dark")
        self.theme.addItem(self.tr("Light"), "light")
        self.theme.setCurrentIndex(max(0, self.theme.findData(s.theme)))
        self.sound = QCheckBox(self.tr("Sound on critical incidents"))
        self.sound.setChecked(s.alert_sound)
        self.map_base = QComboBox()
        for code, name in (("vector", self.tr("City vector map (built in)")), ("tiles", self.tr("Tile server")),
                           ("mbtiles", self.tr("MBTiles file"))):
            self.map_base.addItem(name, code)
        self.map_base.setCurrentIndex(max(0, self.map_base.findData(s.map_base)))
        self.tile_url = QLineEdit(s.map_tile_url)
        self.tile_url.setPlaceholderText("http://tiles.city.local/{z}/{x}/{y}.png")
        self.mbtiles = QLineEdit(s.map_mbtiles_path)
        form = QFormLayout()
        form.addRow(self.tr("Language"), self.language)
        form.addRow(self.tr("Theme"), self.theme)
        form.addRow("", self.sound)
        form.addRow(self.tr("Map base"), self.map_base)
        form.addRow(self.tr("Tile URL template"), self.tile_url)
        form.addRow(self.tr("MBTiles file"), self.mbtiles)
        note = QLabel(self.tr("The language applies at once; map base changes apply after a restart."))
        note.setProperty("role", "muted")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(note)
        lay.addWidget(buttons)

    def save(self) -> None:
        s = self.ctx.settings
        s.language = self.language.currentData()
        s.theme = self.theme.currentData()
        s.alert_sound = self.sound.isChecked()
        s.map_base = self.map_base.currentData()
        s.map_tile_url = self.tile_url.text().strip()
        s.map_mbtiles_path = self.mbtiles.text().strip()
        s.save()
        theme.apply(QApplication.instance(), s.theme)
        # Every open window follows at once: Qt sends them LanguageChange (app/retranslate.py).
        i18n.install(QApplication.instance(), s.language)
        self.accept()

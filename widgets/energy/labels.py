"""Translated names of resources, severities, alarm types and states (one place for all energy views)."""

from __future__ import annotations

from PySide6.QtCore import QObject


class Labels(QObject):
    def resource(self, code: str) -> str:
        return {"electricity": self.tr("Electricity"), "heat": self.tr("Heat"),
                "water": self.tr("Water")}.get(code, code)

    def unit(self, unit: str) -> str:
        return {"kWh": self.tr("kWh"), "Gcal": self.tr("Gcal"), "m³": self.tr("m³")}.get(unit, unit)

    def severity(self, code: str) -> str:
        return {"critical": self.tr("Critical"), "major": self.tr("Major"), "minor": self.tr("Minor"),
                "warning": self.tr("Warning")}.get(code, code)

    def state(self, code: str) -> str:
        return {"active_unack": self.tr("Active, not acknowledged"), "active_ack": self.tr("Acknowledged"),
                "cleared": self.tr("Cleared")}.get(code, code)

    def alarm_type(self, code: str) -> str:
        return {"over_baseline": self.tr("Above the expected band"),
                "night_use": self.tr("Use in a closed building"),
                "water_leak": self.tr("Continuous water flow"),
                "silent_meter": self.tr("Meter silent")}.get(code, code)

    def kind(self, code: str) -> str:
        return {"school": self.tr("Schools"), "kindergarten": self.tr("Kindergartens"),
                "clinic": self.tr("Clinics"), "office": self.tr("Offices"),
                "sport": self.tr("Sports")}.get(code, code)

    def per(self, bucket_ms: int) -> str:
        minutes = bucket_ms // 60_000
        if minutes < 60:
            return self.tr("per %1 min").replace("%1", str(minutes))
        if minutes < 1440:
            return self.tr("per %1 h").replace("%1", str(minutes // 60))
        return self.tr("per %1 d").replace("%1", str(minutes // 1440))

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from widgets.common.protocols import PanelContext

HYDRANTS = [{"id": 1, "lat": 51.6601, "lon": 35.6512, "title": "Г-1"},
            {"id": 2, "lat": 51.6571, "lon": 35.6555, "title": "Г-2"}]


class HydrantPanel(QWidget):
    def __init__(self, ctx: PanelContext, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.refreshed = 0
        self.label = QLabel(self)
        QVBoxLayout(self).addWidget(self.label)
        self.settings = ctx.settings.section("hydrants")
        ctx.incidents.incident_changed.connect(lambda inc: self.label.setText(inc.number))
        self.publish()

    def attach_window(self, window) -> None:
        window.actions["hydrants_refresh"].triggered.connect(self.publish)

    def publish(self) -> None:
        self.refreshed += 1
        self.ctx.bus.map_items_changed.emit("hydrants", HYDRANTS if self.settings.show_dry else HYDRANTS[:1])

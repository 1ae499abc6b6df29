"""The create-incident form: local validation with errors beside the fields, server errors in the form."""

from __future__ import annotations

import uuid

from PySide6.QtCore import QEvent, QObject, QStringListModel, Qt, Signal
from PySide6.QtGui import QDoubleValidator
from PySide6.QtWidgets import (QComboBox, QCompleter, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit,
                               QPlainTextEdit, QVBoxLayout, QWidget)

from pydantic import ValidationError

from backend_client.schemas.incidents import CATEGORY_NAMES, PRIORITIES, SOURCES, IncidentCreate
from widgets.common.incident_texts import error_text
from widgets.common import incident_labels as labels
from widgets.common.bus import MAP_POINT
from widgets.incidents.addresses import AddressIndex, House

# The model city's centre: a sensible start when the map gave no point.
DEFAULT_LAT, DEFAULT_LON = 51.6606, 35.6542


def limit(field: str, kind: str):
    """A limit the wire schema declares for a field of IncidentCreate (``ge``, ``le``, ``max_length``)."""
    for m in IncidentCreate.model_fields[field].metadata:
        if getattr(m, kind, None) is not None:
            return getattr(m, kind)
    raise KeyError(f"IncidentCreate.{field} declares no {kind}")


def _parse_float(text: str) -> float | None:
    try:
        return float(text.strip().replace(",", "."))
    except ValueError:
        return None


class IncidentForm(QDialog):
    created = Signal(object)  # IncidentOut

    def __init__(self, gateway, parent: QWidget | None = None, *, bus=None,
                 addresses: AddressIndex | None = None) -> None:
        super().__init__(parent)
        self.gateway = gateway
        self.bus = bus  # to centre an open map on a chosen house; the form works without one
        self.addresses = addresses
        self.house: House | None = None  # the suggestion the operator chose, while the text still says it
        self.setObjectName("incidentForm")
        self.setWindowTitle(self.tr("New incident"))
        self.setMinimumWidth(520)
        self.client_uuid = uuid.uuid4()  # one per form: pressing Save twice is still one incident
        self.busy = False

        self.category = QComboBox()
        self.category.addItem(self.tr("— choose —"), None)
        for code in CATEGORY_NAMES:
            self.category.addItem(labels.category_name(code), code)
        self.priority = QComboBox()
        for p in PRIORITIES:
            self.priority.addItem(labels.priority_name(p), p)
        self.priority.setCurrentIndex(PRIORITIES.index("medium"))
        self.source = QComboBox()
        for s in SOURCES:
            self.source.addItem(labels.source_name(s), s)
        self.source.setCurrentIndex(SOURCES.index("operator"))
        self.assignee = QComboBox()
        self.assignee.addItem(self.tr("— not assigned —"), None)
        self.address = QLineEdit()
        self.address.setMaxLength(limit("address", "max_length"))
        self.address.setPlaceholderText(self.tr("Street, house — type to choose from the city's list"))
        self.suggestions = QStringListModel(self)
        self.completer = QCompleter(self.suggestions, self)
        # The index already matched (case, ё/е, "ул."/"улица"): the completer only shows its answer.
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setMaxVisibleItems(10)
        self.address.setCompleter(self.completer)
        self.completer.activated[str].connect(self.choose_address)
        self._enter = _FirstOnEnter(self.completer)
        self.completer.popup().installEventFilter(self._enter)
        self.address.textEdited.connect(self._address_edited)
        self.place = QLabel()
        self.place.setObjectName("placeChosen")
        self.place.setProperty("role", "hint")
        self.place.setWordWrap(True)
        self.place.hide()
        self.lat = QLineEdit()
        self.lon = QLineEdit()
        for edit, name in ((self.lat, "lat"), (self.lon, "lon")):
            edit.setValidator(QDoubleValidator(limit(name, "ge"), limit(name, "le"), 7, edit))
        self.description = QPlainTextEdit()
        self.description.setPlaceholderText(self.tr("What happened, what is needed, who called"))
        self.description.setTabChangesFocus(True)
        self.description.setMinimumHeight(90)

        self.errors: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        for name, label, widget in (("category", self.tr("Category *"), self.category),
                                    ("priority", self.tr("Priority"), self.priority),
                                    ("address", self.tr("Address"), self.address),
                                    ("lat", self.tr("Latitude *"), self.lat),
                                    ("lon", self.tr("Longitude *"), self.lon),
                                    ("description", self.tr("Description *"), self.description),
                                    ("source", self.tr("Source"), self.source),
                                    ("assignee", self.tr("Assign to"), self.assignee)):
            box = QVBoxLayout()
            box.setSpacing(2)
            box.addWidget(widget)
            if name == "address":
                box.addWidget(self.place)
            err = QLabel()
            err.setProperty("role", "error")
            err.setObjectName(f"error_{name}")
            err.setWordWrap(True)
            err.hide()
            box.addWidget(err)
            self.errors[name] = err
            form.addRow(label, box)
        self.general_error = QLabel()
        self.general_error.setObjectName("error_general")
        self.general_error.setProperty("role", "error")
        self.general_error.setWordWrap(True)
        self.general_error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.general_error)
        lay.addWidget(self.buttons)
        gateway.load_services(self._services_loaded)

    # ------------------------------------------------------------ address
    def set_addresses(self, index: AddressIndex) -> None:
        self.addresses = index
        if self.address.hasFocus() and self.address.text().strip():
            self._address_edited(self.address.text())

    def _address_edited(self, text: str) -> None:
        if self.house is not None and text != self.house.address:
            # The text no longer names the chosen house: its coordinates must not stay behind silently.
            if (self.lat.text(), self.lon.text()) == _coords(self.house):
                self.lat.clear()
                self.lon.clear()
            self.house = None
            self.place.hide()
        if self.addresses is None:
            return
        found = self.addresses.match(text)
        self.suggestions.setStringList([h.address for h in found])
        if found and not (len(found) == 1 and found[0].address == text):
            self.completer.complete()
        else:
            self.completer.popup().hide()

    def choose_address(self, address: str) -> None:
        """A suggestion chosen: the house's own coordinates become the incident's place."""
        house = self.addresses.house(address) if self.addresses is not None else None
        if house is None:
            return
        self.house = house
        self.address.setText(house.address)
        lat, lon = _coords(house)
        self.lat.setText(lat)
        self.lon.setText(lon)
        self.place.setText(self.tr("House coordinates: {0}, {1}").format(lat, lon))
        self.place.show()
        if self.bus is not None:
            self.bus.map_focus_requested.emit(MAP_POINT, (house.lat, house.lon))

    def _services_loaded(self, services) -> None:
        for s in services:
            self.assignee.addItem(s.name, s.code)

    def prefill(self, lat: float | None, lon: float | None, address: str = "") -> None:
        # No place given (Ctrl+N): the fields stay empty. An incident silently stored at the
        # city centre's coordinates sends a crew to the wrong place.
        self.lat.setText(f"{lat:.6f}" if lat is not None else "")
        self.lon.setText(f"{lon:.6f}" if lon is not None else "")
        for edit, example in ((self.lat, DEFAULT_LAT), (self.lon, DEFAULT_LON)):
            edit.setPlaceholderText(self.tr("right-click the map, or e.g. {0}").format(example))
        if address:
            self.address.setText(address)
            self.house = None  # a map pick: the map's point is the place, the address only names it
            self.place.hide()

    # ------------------------------------------------------------ validation
    def validate(self) -> IncidentCreate | None:
        """The request to send, or None with the errors shown beside the fields."""
        self._clear_errors()
        errs: dict[str, str] = {}
        category = self.category.currentData()
        if not category:
            errs["category"] = self.tr("Choose a category.")
        lat, lon = _parse_float(self.lat.text()), _parse_float(self.lon.text())
        if not self.lat.text().strip() and not self.lon.text().strip():
            errs["lat"] = self.tr("Choose the place: pick an address from the list, right-click it on the map, "
                                  "or type its coordinates.")
        else:
            if lat is None:
                errs["lat"] = self.tr("Enter the latitude as a number, e.g. 51.6606.")
            if lon is None:
                errs["lon"] = self.tr("Enter the longitude as a number, e.g. 35.6542.")
        data = None
        try:  # the wire schema checks the limits, once; the form says what they mean beside the field
            data = IncidentCreate(client_uuid=self.client_uuid, category=category or "other",
                                  priority=self.priority.currentData(), lat=lat if lat is not None else 0.0,
                                  lon=lon if lon is not None else 0.0, address=self.address.text().strip(),
                                  description=self.description.toPlainText().strip(),
                                  source=self.source.currentData(), assignee=self.assignee.currentData())
        except ValidationError as exc:
            for e in exc.errors():
                name = str(e["loc"][0]) if e.get("loc") else ""
                errs.setdefault(name, self._explain(name, e))
        if errs:
            for name, text in errs.items():
                self._show_error(name, text)
            return None
        return data

    def _explain(self, name: str, error: dict) -> str:
        if name == "lat":
            return self.tr("Latitude must be between {0} and {1}.").format(limit("lat", "ge"), limit("lat", "le"))
        if name == "lon":
            return self.tr("Longitude must be between {0} and {1}.").format(limit("lon", "ge"), limit("lon", "le"))
        if name == "description":
            if error.get("type") == "string_too_long":
                return self.tr("The description is too long (at most {0} characters).").format(
                    limit("description", "max_length"))
            return self.tr("Describe the incident.")
        return str(error.get("msg", ""))

    def _show_error(self, name: str, text: str) -> None:
        label = self.errors.get(name, self.general_error)
        label.setText(text)
        label.show()
        widget = {"category": self.category, "lat": self.lat, "lon": self.lon, "description": self.description,
                  "address": self.address, "assignee": self.assignee}.get(name)
        if widget is not None:
            widget.setProperty("invalid", True)
            widget.style().unpolish(widget)
            widget.style().polish(widget)

    def _clear_errors(self) -> None:
        for label in [*self.errors.values(), self.general_error]:
            label.clear()
            label.hide()
        for widget in (self.category, self.lat, self.lon, self.description, self.address, self.assignee):
            if widget.property("invalid"):
                widget.setProperty("invalid", False)
                widget.style().unpolish(widget)
                widget.style().polish(widget)

    # ------------------------------------------------------------ sending
    def submit(self) -> None:
        if self.busy:
            return
        data = self.validate()
        if data is None:
            return
        self.busy = True
        self.buttons.setEnabled(False)
        self.gateway.create(data, on_done=self._done, on_error=self._failed)

    def _done(self, incident) -> None:
        self.busy = False
        self.buttons.setEnabled(True)
        self.created.emit(incident)
        self.accept()

    def _failed(self, exc) -> None:
        self.busy = False
        self.buttons.setEnabled(True)
        field = (getattr(exc, "details", None) or {}).get("field")
        message = error_text(exc)
        if field in self.errors:
            self._show_error(field, message)
        else:
            self.general_error.setText(message)
            self.general_error.show()


def _coords(house: House) -> tuple[str, str]:
    return f"{house.lat:.6f}", f"{house.lon:.6f}"


class _FirstOnEnter(QObject):
    """Enter in the open suggestion list takes the highlighted one, or the first: Enter commits."""

    def __init__(self, completer: QCompleter) -> None:
        super().__init__(completer)
        self.completer = completer

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            popup = self.completer.popup()
            model = popup.model()
            if popup.isVisible() and not popup.currentIndex().isValid() and model.rowCount() > 0:
                popup.setCurrentIndex(model.index(0, 0))
        return False  # the completer itself then completes with the current row

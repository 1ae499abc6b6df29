"""The command palette (Ctrl+K), as CAD consoles have: type what to do, Enter.

"302 принять" opens И-000302 and acknowledges it; "назначить водоканал" assigns the open
incident; "в работу"; "решить устранено заменили лампу" resolves with a code and a note;
a bare number opens the incident. The commands go through the incident gateway like the
card's buttons, so they work offline alike; the result shows in the status bar.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout

from backend_client.schemas.incidents import REOPEN, TRANSITIONS
from widgets.common import incident_labels as labels
from widgets.common.incident_texts import error_text
from widgets.incidents import undo
from widgets.incidents.resolve import RESOLUTION_CODES, find_code, resolution_name, resolution_note

translate = QCoreApplication.translate

# English words work in both languages; the translated button verbs too.
VERBS = {
    "acknowledged": ("acknowledge", "ack", "принять", "квитировать"),
    "in_progress": ("start", "work", "в работу", "начать", "работа"),
    "resolved": ("resolve", "решить", "решено", "устранено"),
    "rejected": ("reject", "отклонить"),
    "closed": ("close", "закрыть"),
}
ASSIGN = ("assign", "назначить", "передать")
OPEN = ("open", "открыть")


@dataclass
class Command:
    text: str
    run: Callable[[], None] | None   # None: not runnable yet (says what is missing)


class CommandPalette(QDialog):
    def __init__(self, ctx, queue, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.queue = queue
        self.gateway = ctx.incidents
        self.setObjectName("commandPalette")
        self.setWindowTitle(self.tr("Command"))
        self.edit = QLineEdit()
        self.edit.setObjectName("paletteInput")
        self.edit.setPlaceholderText(self.tr("302 acknowledge · assign Vodokanal · start · resolve fixed note…"))
        self.list = QListWidget()
        self.list.setObjectName("paletteCommands")
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.hint = QLabel()
        self.hint.setProperty("role", "muted")
        self.hint.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.addWidget(self.edit)
        lay.addWidget(self.list, 1)
        lay.addWidget(self.hint)
        self.resize(620, 320)
        self.commands: list[Command] = []
        self.edit.textChanged.connect(self._suggest)
        self.edit.returnPressed.connect(self.run_selected)
        self.list.itemActivated.connect(lambda _item: self.run_selected())
        self._suggest("")

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.list.count():
            step = 1 if event.key() == Qt.Key.Key_Down else -1
            self.list.setCurrentRow((self.list.currentRow() + step) % self.list.count())
            return
        super().keyPressEvent(event)

    # ------------------------------------------------------------ parsing
    def _target(self, words: list[str]) -> tuple[int | None, list[str]]:
        """The incident the words name by number (first word), else the one open now."""
        if words:
            found = self.queue.find_number(words[0])
            if found is not None:
                return found, words[1:]
        return self.queue.current_incident_id(), words

    def _suggest(self, text: str) -> None:
        words = text.split()
        target, rest = self._target(words)
        inc = self.gateway.cached(target) if target is not None else None
        self.commands = self.parse(inc, rest, named=len(rest) < len(words))
        self.list.clear()
        for cmd in self.commands:
            item = QListWidgetItem(cmd.text)
            if cmd.run is None:
                item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.list.addItem(item)
        runnable = [i for i, c in enumerate(self.commands) if c.run is not None]
        if runnable:
            self.list.setCurrentRow(runnable[0])
        self.hint.setText(self.tr("Enter runs the highlighted command; ↑↓ choose; Esc closes.")
                          if inc is not None else self.tr("Type an incident number first, e.g. 302."))

    def parse(self, inc, rest: list[str], named: bool) -> list[Command]:
        if inc is None:
            return []
        phrase = " ".join(rest).casefold()
        head = f"{inc.number} · "
        out: list[Command] = []
        if named and not rest or phrase in OPEN:
            out.append(Command(head + self.tr("Open"), lambda: self._open(inc.id)))
        supervisor = self.ctx.has_role("supervisor")
        legal = [s for s in TRANSITIONS.get(inc.status, ()) if (inc.status, s) not in REOPEN or supervisor]
        for status in legal:
            verbs = VERBS.get(status, ()) + (labels.status_action(status).casefold(),)
            verb = next((v for v in sorted(verbs, key=len, reverse=True) if phrase.startswith(v)), None)
            if verb is None and not (phrase and any(v.startswith(phrase) for v in verbs)):
                continue
            if status == "resolved":
                out.extend(self._resolve_commands(inc, phrase[len(verb):].split() if verb else []))
                continue
            out.append(Command(head + labels.status_action(status),
                               lambda s=status: self._status(inc.id, s)))
        verb = next((v for v in ASSIGN if phrase.startswith(v)), None)
        if verb is not None or (phrase and any(v.startswith(phrase) for v in ASSIGN)):
            name = phrase[len(verb):].strip() if verb else ""
            for code, service in sorted(self.queue.model.service_names.items(), key=lambda kv: kv[1]):
                if name and name not in service.casefold() and name not in code:
                    continue
                out.append(Command(head + self.tr("Assign: {0}").format(service),
                                   lambda c=code: self._assign(inc.id, c)))
        return out

    def _resolve_commands(self, inc, words: list[str]) -> list[Command]:
        head = f"{inc.number} · "
        # The code is the first one, two or three words that name one; the rest is the note.
        for n in (3, 2, 1):
            code = find_code(" ".join(words[:n])) if len(words) >= n else None
            if code:
                note = " ".join(words[n:])
                if not note:
                    return [Command(head + self.tr("Resolve: {0} — write what was done after it").format(
                        resolution_name(code)), None)]
                return [Command(head + self.tr("Resolve: {0} — {1}").format(resolution_name(code), note),
                                lambda: self._status(inc.id, "resolved", resolution_note(code, note)))]
        return [Command(head + self.tr("Resolve: {0} <what was done>").format(resolution_name(c)), None)
                for c in RESOLUTION_CODES]

    # ------------------------------------------------------------ running
    def run_selected(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.commands) and self.commands[row].run is not None:
            self.commands[row].run()
            self.accept()

    def _open(self, incident_id: int) -> None:
        self.ctx.bus.incident_selected.emit(incident_id)
        self.ctx.bus.incident_open_requested.emit(incident_id)

    def _report(self, incident_id: int, what: str):
        def done(_result=None) -> None:
            inc = self.gateway.cached(incident_id)
            self.ctx.bus.status_message.emit(f"{inc.number if inc else incident_id}: {what}")

        def failed(exc) -> None:
            self.ctx.errors.report(what, error_text(exc))

        return done, failed

    def _status(self, incident_id: int, status: str, note: str | None = None) -> None:
        self._open(incident_id)
        inc = self.gateway.cached(incident_id)
        done, failed = self._report(incident_id, labels.status_name(status))
        undo.change_status(self.gateway, incident_id, inc.version if inc else None, status, note,
                           on_done=done, on_error=failed)

    def _assign(self, incident_id: int, service: str) -> None:
        self._open(incident_id)
        inc = self.gateway.cached(incident_id)
        done, failed = self._report(incident_id, self.queue.model.service_names.get(service, service))
        self.gateway.assign(incident_id, inc.version if inc else None, service, on_done=done, on_error=failed)

"""What the incident gateway reports while it works, and its own refusals: one home for these texts.

Both ``app`` (the gateway) and ``widgets`` (panels, the offline banner) use them.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

translate = QCoreApplication.translate


def operation_text(code: str) -> str:
    """What the incident gateway was doing, for error reports; and its own refusals."""
    return {
        "load": translate("IncidentLabels", "Loading incidents"),
        "details": translate("IncidentLabels", "Loading the incident"),
        "services": translate("IncidentLabels", "Loading city services"),
        "download": translate("IncidentLabels", "Downloading the attachment"),
        "open_photo": translate("IncidentLabels", "Opening the photo"),
        "create": translate("IncidentLabels", "Creating the incident"),
        "patch": translate("IncidentLabels", "Saving the incident"),
        "status": translate("IncidentLabels", "Changing the status"),
        "undo": translate("IncidentLabels", "Undoing the status change"),
        "assign": translate("IncidentLabels", "Assigning the incident"),
        "duplicate": translate("IncidentLabels", "Marking as duplicate"),
        "comment": translate("IncidentLabels", "Adding the comment"),
        "attach": translate("IncidentLabels", "Attaching the photo"),
        "sync": translate("IncidentLabels", "Sending offline changes"),
        "session_expired": translate("IncidentLabels",
                                     "The session has expired: log in again to send the waiting changes."),
        "not_synced": translate("IncidentLabels",
                                "This incident is not on the server yet; wait until it is synchronised."),
    }.get(code, code)


def error_text(exc: BaseException | str) -> str:
    """What to show the operator for a failed operation (server messages are written for people)."""
    if isinstance(exc, str):
        return exc
    from backend_client.errors import ApiError, ConnectionLost

    if isinstance(exc, ConnectionLost):
        return translate("IncidentLabels", "The server cannot be reached. Check the network and try again.")
    if isinstance(exc, ApiError):
        return exc.message
    return f"{type(exc).__name__}: {exc}"

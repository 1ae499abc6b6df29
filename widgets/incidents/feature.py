"""The incidents feature: the queue in the middle, the card beside it, the incident actions."""

from PySide6.QtCore import QT_TRANSLATE_NOOP

from widgets.common.feature import ActionDef, FeatureSpec, Placement

FEATURES = (
    FeatureSpec("incidents", QT_TRANSLATE_NOOP("Panels", "Incidents"), "widgets.incidents.panel:IncidentQueuePanel",
                Placement("central"), workspaces=(("dispatcher", Placement("central")),
                                                  ("supervisor", Placement("central"))), actions=(
                    ActionDef("new_incident", QT_TRANSLATE_NOOP("Actions", "New incident"), "file", "Ctrl+N"),
                    # The lifecycle on F6-F8, away from Ctrl+Q and Ctrl+W; resolving asks for a code.
                    ActionDef("command_palette", QT_TRANSLATE_NOOP("Actions", "Command…"), "incident", "Ctrl+K"),
                    ActionDef("acknowledge", QT_TRANSLATE_NOOP("Actions", "Acknowledge"), "incident", "F6"),
                    ActionDef("start_work", QT_TRANSLATE_NOOP("Actions", "Start work"), "incident", "F7"),
                    ActionDef("resolve", QT_TRANSLATE_NOOP("Actions", "Resolve…"), "incident", "F8"),
                    ActionDef("assign", QT_TRANSLATE_NOOP("Actions", "Assign…"), "incident", "Ctrl+Shift+A"),
                    ActionDef("comment", QT_TRANSLATE_NOOP("Actions", "Add comment…"), "incident", "Ctrl+M"),
                    ActionDef("ack_alert", QT_TRANSLATE_NOOP("Actions", "Acknowledge alert"), "incident",
                              "Ctrl+Space"),
                    ActionDef("find", QT_TRANSLATE_NOOP("Actions", "Find incident"), "incident", "Ctrl+F"),
                    ActionDef("refresh", QT_TRANSLATE_NOOP("Actions", "Refresh"), "incident", "F5"),
                )),
    FeatureSpec("incident_card", QT_TRANSLATE_NOOP("Panels", "Incident"), "widgets.incidents.card:IncidentCardPanel",
                Placement("right", 0.26), workspaces=(("dispatcher", Placement("right", 0.27)),)),
)

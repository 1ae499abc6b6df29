"""The desktop's incident gateway: the one implementation of widgets.common.protocols.IncidentGateway."""

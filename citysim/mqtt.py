"""Connecting to the city's MQTT broker, as any device on it does."""

from __future__ import annotations

import socket
from urllib.parse import urlparse

import paho.mqtt.client as mqtt


def parse_mqtt_url(url: str) -> tuple[str, int, str | None, str | None, bool]:
    """(host, port, user, password, tls) of mqtt://[user:password@]host[:port] (mqtts:// for TLS)."""
    u = urlparse(url)
    if u.scheme not in ("mqtt", "mqtts", "tcp", "ssl"):
        raise ValueError(f"unsupported MQTT URL {url!r}; use mqtt://host:port")
    tls = u.scheme in ("mqtts", "ssl")
    return u.hostname or "127.0.0.1", u.port or (8883 if tls else 1883), u.username, u.password, tls


def mqtt_client(url: str, client_id: str) -> tuple[mqtt.Client, tuple[str, int]]:
    """A paho client set up for the broker at `url`, and the (host, port) to connect it to."""
    host, port, user, password, tls = parse_mqtt_url(url)
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id)
    if user:
        client.username_pw_set(user, password)
    if tls:
        client.tls_set()
    client.reconnect_delay_set(1, 30)
    return client, (host, port)


def broker_up(url: str) -> bool:
    host, port, *_ = parse_mqtt_url(url)
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False

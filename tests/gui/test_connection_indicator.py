"""One truthful connection indicator: the stream's heartbeat, amber then red within 5 s of
silence, never "Online" while requests fail, the last event's time and the waiting count."""

from __future__ import annotations

import time

from tests.gui.incident_helpers import make_incident, other_client


def _window(ctx, qtbot):
    from app.mainwindow import MainWindow

    window = MainWindow(ctx, features=[s for s in ctx.features if s.name in ("incidents", "incident_card")])
    qtbot.addWidget(window)
    window.show()
    return window


def test_the_idle_stream_beats_and_a_silent_link_goes_amber_then_red_within_5_s(live_server, make_ctx, qtbot):
    ctx = make_ctx(live_server)
    window = _window(ctx, qtbot)
    bar = window.statusBar()
    qtbot.waitUntil(lambda: bar.shown == "connected", timeout=10_000)
    assert "Online" in bar.state_label.text()

    # Nothing happens in the city, yet the server says it is there every 2 s.
    beats = []
    ctx.events.heartbeat.connect(lambda: beats.append(time.monotonic()))
    qtbot.waitUntil(lambda: len(beats) >= 2, timeout=7_000)
    assert beats[-1] - beats[0] < 4.0
    assert bar.shown == "connected"

    # An event shows its time in the indicator.
    make_incident(other_client(live_server), priority="low")
    qtbot.waitUntil(lambda: "last event" in bar.state_label.text(), timeout=10_000)

    # The link goes silent without any socket error (a cable pulled, a frozen server):
    # the stream's own state still says "connected", the indicator does not believe it.
    ctx.events.stop()
    last = ctx.events.last_beat
    seen: list[tuple[str, float]] = []

    def watch():
        if not seen or seen[-1][0] != bar.shown:
            seen.append((bar.shown, time.monotonic() - last))
        return bar.shown == "dead"

    qtbot.waitUntil(watch, timeout=8_000)
    states = [s for s, _ in seen]
    assert "stale" in states and states.index("stale") < states.index("dead"), seen
    assert dict(seen)["dead"] <= 5.6, seen  # 5 s and the 0.5 s check period
    assert ctx.events.state == "connected"  # the socket never said a word
    assert "Online" not in bar.state_label.text() and "Connection lost" in bar.state_label.text()
    window.close()


def test_never_online_while_requests_fail_and_the_waiting_count_shows(live_server, make_ctx, qtbot):
    from backend_client.errors import ConnectionLost

    ctx = make_ctx(live_server)
    window = _window(ctx, qtbot)
    bar = window.statusBar()
    qtbot.waitUntil(lambda: bar.shown == "connected" and window.panels["incidents"]._loaded_once, timeout=10_000)
    qtbot.wait(300)
    # A request that cannot reach the server while the stream still beats (a server shutting
    # down keeps its open streams a moment longer than it answers requests).
    ctx.errors.report("incidents", ConnectionLost("connection refused"))
    assert bar.shown == "failing" and "Online" not in bar.state_label.text()
    qtbot.wait(2500)
    assert bar.shown == "failing"  # heartbeats alone do not make it "Online" again
    ctx.incidents.refresh()        # a request that succeeds does
    qtbot.waitUntil(lambda: bar.shown == "connected", timeout=10_000)

    ctx.incidents.waiting_changed.emit(3)
    assert "3 waiting" in bar.state_label.text()
    ctx.incidents.waiting_changed.emit(0)
    assert "waiting" not in bar.state_label.text()
    window.close()

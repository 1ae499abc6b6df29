"""The traffic simulation: SUMO with the 4 field controllers, in real time (sc-demo) or as fast as it runs.

    sim = TrafficSimulator(mqtt_url="mqtt://127.0.0.1:1883")
    sim.start()          # a thread; controllers publish on city/signals/{id}/events every second
    sim.inject("kommun-kosmonavtov", "detector_dead", channel=3)
    sim.stop()

It reaches the product only over MQTT (events out, commands in on city/signals/{id}/commands),
like real controllers. For benches, `run(begin_s, end_s)` runs a window of a day without the
wall clock and hands events to a callable instead.
"""

from __future__ import annotations

import json
import logging
import queue
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlparse

from citysim.traffic import demand
from citysim.traffic.controller import FieldController
from citysim.traffic.network import build

log = logging.getLogger(__name__)
CITY_TZ = timezone(timedelta(hours=3))
TOPIC = "city/signals"

Sink = Callable[[str, list[list[int]]], None]


def _sumo():
    try:
        import libsumo as traci  # in-process: several times faster than the TraCI socket
    except ImportError:  # pragma: no cover - platforms without libsumo wheels
        import traci
    return traci


class TrafficSimulator:
    """SUMO + controllers. start()/stop() for the demo (real time, MQTT); run() for benches."""

    def __init__(self, *, mqtt_url: str | None = None, sink: Sink | None = None, workdir: Path | None = None,
                 step_s: float = 0.5, realtime: bool = True, speed: float = 1.0, day: datetime | None = None,
                 seed: int = 42, demand_scale: float = 1.0, publish_every_s: float = 1.0,
                 tripinfo: Path | None = None, server_url: str | None = None, user: str = "",
                 password: str = "", backfill_hours: float = 0.0) -> None:
        self.mqtt_url = mqtt_url
        # Where the controllers' logs of the hours before the start are uploaded (the CSV they export).
        self.server_url = server_url
        self.user = user
        self.password = password
        self.backfill_hours = backfill_hours
        self.sink = sink
        self.workdir = workdir or Path(tempfile.mkdtemp(prefix="sc-traffic-"))
        self.step_s = step_s
        self.realtime = realtime
        self.speed = speed
        self.day = (day or datetime.now(CITY_TZ)).astimezone(CITY_TZ)
        self.seed = seed
        self.demand_scale = demand_scale
        self.publish_every_s = publish_every_s
        self.tripinfo = tripinfo
        self.controllers: dict[str, FieldController] = {}
        self.commands: queue.Queue = queue.Queue()
        self.sim_time = 0.0
        self.published = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._mqtt = None
        self.ready = threading.Event()

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> None:
        if self.mqtt_url:
            self._connect()
        self._thread = threading.Thread(target=self._live, daemon=True, name="sc-traffic-sim")
        self._thread.start()

    def _live(self) -> None:
        try:
            if self.backfill_hours > 0 and self.server_url:
                self._backfill()
            now = datetime.now(CITY_TZ)
            self.day = now
            begin = (now - now.replace(hour=0, minute=0, second=0, microsecond=0)).total_seconds()
            self.run(begin, begin + 24 * 3600)
        except Exception:  # the demo goes on without traffic rather than die
            log.exception("the traffic simulation stopped")

    def _backfill(self) -> None:
        """Simulate the hours before now as fast as possible and upload the logs as CSV over HTTP."""
        from backend_client.client import ApiClient

        now = datetime.now(CITY_TZ)
        start = now - timedelta(hours=self.backfill_hours)
        logs: dict[str, list[list[int]]] = {}
        saved = (self.sink, self.realtime, self._mqtt, self.day, self.step_s)
        self.sink, self.realtime, self._mqtt, self.step_s = (
            lambda uid, ev: logs.setdefault(uid, []).extend(ev)), False, None, 1.0
        try:
            t = start
            while t < now and not self._stop.is_set():  # day by day: the demand follows each day's weekday
                self.day = t
                midnight = t.replace(hour=0, minute=0, second=0, microsecond=0)
                end = min(now, midnight + timedelta(days=1))
                self.run((t - midnight).total_seconds(), (end - midnight).total_seconds())
                t = end
        finally:
            self.sink, self.realtime, self._mqtt, self.day, self.step_s = saved
        client = ApiClient(self.server_url)
        client.login(self.user, self.password)
        for uid, events in logs.items():
            for i in range(0, len(events), 50_000):
                lines = ["TimeStamp,DeviceId,EventId,Parameter"] + [
                    f"{ts},{uid},{code},{param}" for ts, code, param in events[i:i + 50_000]]
                client.request("POST", "/api/v1/signals/events", data="\n".join(lines).encode(),
                               headers={"Content-Type": "text/csv"})
        log.info("uploaded %d hours of controller logs", self.backfill_hours)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(30)
        if self._mqtt is not None:
            self._mqtt.loop_stop()
            self._mqtt.disconnect()

    def _connect(self) -> None:
        import paho.mqtt.client as mqtt

        u = urlparse(self.mqtt_url)
        c = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"citysim-traffic-{id(self):x}")
        if u.username:
            c.username_pw_set(u.username, u.password)

        def on_connect(client, userdata, flags, rc, props=None):
            client.subscribe(f"{TOPIC}/+/commands", qos=1)

        def on_message(client, userdata, msg):
            uid = msg.topic.split("/")[2]
            if msg.payload:
                try:
                    self.commands.put((uid, json.loads(msg.payload)))
                except ValueError:
                    log.warning("a command to %s is not JSON", uid)

        c.on_connect, c.on_message = on_connect, on_message
        c.reconnect_delay_set(1, 30)
        c.connect_async(u.hostname or "127.0.0.1", u.port or 1883, keepalive=30)
        c.loop_start()
        self._mqtt = c

    # ------------------------------------------------------------------ commands and faults
    def command(self, uid: str, message: dict) -> None:
        """What arrives on city/signals/{uid}/commands (also usable directly in benches)."""
        self.commands.put((uid, message))

    def inject(self, uid: str, fault: str, *, channel: int | None = None, clear: bool = False) -> None:
        """detector_stuck_on | detector_dead (channel) | flash | silent; clear=True ends it."""
        self.commands.put((uid, {"command": "_fault", "fault": fault, "channel": channel, "clear": clear}))

    def _apply_commands(self, t: float) -> None:
        while True:
            try:
                uid, msg = self.commands.get_nowait()
            except queue.Empty:
                return
            ctl = self.controllers.get(uid)
            if ctl is None:
                continue
            kind = msg.get("command")
            if kind == "schedule":
                ctl.set_schedule(msg.get("plans", []))
            elif kind == "flash":
                ctl.go_flash(t)
            elif kind == "resume":
                if msg.get("plans") is not None:
                    ctl.set_schedule(msg["plans"])
                ctl.resume(t)
            elif kind == "_fault":
                (ctl.clear if msg["clear"] else ctl.inject)(msg["fault"], t, msg.get("channel"))

    # ------------------------------------------------------------------ the loop
    def run(self, begin_s: float, end_s: float) -> None:
        """Simulate [begin_s, end_s) seconds after the day's local midnight."""
        traci = _sumo()
        built = build(self.workdir)
        d = built.description
        weekday = self.day.weekday()
        routes = demand.write_routes(self.workdir / f"demand-{int(begin_s)}.rou.xml", d, begin_s, end_s,
                                     weekday=weekday < 5, scale=self.demand_scale)
        cmd = ["sumo", "-n", str(built.net), "-r", str(routes), "-a", str(built.detectors),
               "--begin", str(begin_s), "--end", str(end_s), "--step-length", str(self.step_s),
               "--seed", str(self.seed), "--no-step-log", "true", "--no-warnings", "true",
               "--time-to-teleport", "300", "--device.rerouting.probability", "0"]
        if self.tripinfo is not None:
            cmd += ["--tripinfo-output", str(self.tripinfo)]
        traci.start(cmd)
        try:
            midnight = self.day.replace(hour=0, minute=0, second=0, microsecond=0)
            day_ms = int(midnight.timestamp() * 1000)
            self.controllers = {x["id"]: FieldController(x["id"], d, traci=traci, day_start_ms=day_ms,
                                                         weekday=weekday, seed=self.seed + i)
                                for i, x in enumerate(d["intersections"])}
            self.ready.set()
            wall0, t = time.monotonic(), begin_s
            next_publish = begin_s
            while t < end_s and not self._stop.is_set():
                traci.simulationStep()
                t = traci.simulation.getTime()
                self.sim_time = t
                self._apply_commands(t)
                for ctl in self.controllers.values():
                    ctl.step(t)
                if t >= next_publish:
                    next_publish = t + self.publish_every_s
                    self._publish()
                if self.realtime:
                    ahead = (t - begin_s) / self.speed - (time.monotonic() - wall0)
                    if ahead > 0:
                        time.sleep(ahead)
            self._publish()
        finally:
            traci.close()

    def _publish(self) -> None:
        for uid, ctl in self.controllers.items():
            events = ctl.take_events()
            if not events and ctl.faults.silent:
                continue
            self.published += len(events)
            if self.sink is not None:
                self.sink(uid, events)
            if self._mqtt is not None:
                # An empty batch is the controller's heartbeat: it is alive, nothing happened.
                self._mqtt.publish(f"{TOPIC}/{uid}/events", json.dumps(events), qos=0)


def main() -> None:  # pragma: no cover - manual runs
    import argparse

    ap = argparse.ArgumentParser(description="Kurchatov's intersections in SUMO, talking MQTT like controllers")
    ap.add_argument("--mqtt", default="mqtt://127.0.0.1:1883")
    ap.add_argument("--speed", type=float, default=1.0)
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO)
    sim = TrafficSimulator(mqtt_url=args.mqtt, speed=args.speed)
    sim.start()
    try:
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        sim.stop()


if __name__ == "__main__":  # pragma: no cover
    main()

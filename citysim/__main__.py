"""Run the simulated city beside a running backend until SIGTERM or Ctrl+C.

`python -m citysim --server URL --user NAME` (the password in SC_SIM_PASSWORD), as sc-demo does.
Cameras are served where the demo seeding registered them (resources/city/cameras.py: RTSP 8554,
HTTP 8090).
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import threading


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m citysim")
    parser.add_argument("--server", required=True)
    parser.add_argument("--user", default="dispatcher", help="posts as this user; password in SC_SIM_PASSWORD")
    parser.add_argument("--complaint-interval", type=float, default=20.0)
    parser.add_argument("--mqtt-url", default=os.environ.get("SC_MQTT_URL", ""),
                        help="broker for the meters' live readings; without one they go over HTTP")
    parser.add_argument("--no-cameras", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s sim.%(name)s: %(message)s")

    from citysim.cameras import StreamSimulator
    from citysim.cleaning import CleaningSimulator
    from citysim.traffic.sim import TrafficSimulator
    from citysim.transit.runner import BusSimulator
    from citysim.complaints import ComplaintSimulator
    from citysim.meters import HttpMeterFeed, MeterFeed
    from citysim.mqtt import broker_up

    password = os.environ.get("SC_SIM_PASSWORD", "")
    if not password:
        parser.error("set SC_SIM_PASSWORD to the simulator user's password")
    parts = [ComplaintSimulator(args.server, args.user, password, interval=args.complaint_interval)]
    if args.mqtt_url and broker_up(args.mqtt_url):
        parts.append(MeterFeed(args.mqtt_url))
    else:
        logging.info("no MQTT broker: meter readings go over POST /api/v1/telemetry")
        parts.append(HttpMeterFeed(args.server, args.user, password))
    if not args.no_cameras:
        parts.append(StreamSimulator())
    # The city's systems, one line each; each talks to the product over HTTP or MQTT only.
    parts.append(CleaningSimulator(args.server, args.mqtt_url, args.user, password))
    if args.mqtt_url and broker_up(args.mqtt_url):  # buses' on-board units and signal controllers speak MQTT
        parts.append(BusSimulator(args.server, args.mqtt_url))
        # The hours before now are simulated fast and uploaded as the controllers' CSV, so the
        # measures charts have a history when the desktop opens.
        parts.append(TrafficSimulator(mqtt_url=args.mqtt_url, server_url=args.server, user=args.user,
                                      password=password, backfill_hours=3))
    # The handlers come before the first start: a SIGTERM while the city starts up (the traffic
    # backfill takes seconds) must still stop what has started, the camera server's child included.
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    started = []  # what was started, even if it failed half-way, is stopped
    for p in parts:
        if stop.is_set():
            break
        started.append(p)
        try:
            p.start()
        except Exception:  # a city system that cannot run (e.g. a port taken) must not stop the rest
            logging.exception("%s could not start", type(p).__name__)
    stop.wait()
    for p in reversed(started):
        try:
            p.stop()
        except Exception:
            logging.exception("%s did not stop cleanly", type(p).__name__)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

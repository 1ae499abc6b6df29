"""The simulated city for the demo: citizen complaints, camera streams, meters.

Run by sc-demo as `python -m backend.simulator --server URL --user NAME` (password in SC_SIM_PASSWORD)."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import threading


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m backend.simulator")
    parser.add_argument("--server", required=True)
    parser.add_argument("--user", default="dispatcher", help="posts as this user; password in SC_SIM_PASSWORD")
    parser.add_argument("--complaint-interval", type=float, default=20.0)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s sim.%(name)s: %(message)s")

    from backend.simulator.complaints import ComplaintSimulator

    password = os.environ.get("SC_SIM_PASSWORD", "")
    if not password:
        parser.error("set SC_SIM_PASSWORD to the simulator user's password")
    parts = [ComplaintSimulator(args.server, args.user, password, interval=args.complaint_interval)]
    for p in parts:
        p.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    for p in reversed(parts):
        p.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

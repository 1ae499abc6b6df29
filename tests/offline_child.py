"""A workstation process for the SIGKILL test: logs incidents into the outbox, syncs when it can.

    python tests/offline_child.py STORE SERVER_URL [--sync]

After each operation is committed it prints "SAVED <kind> <client_uuid>" (flushed):
anything it printed must survive a SIGKILL at any point and reach the server exactly once.
"""

from __future__ import annotations

import sys
import threading
import time

from app.offline.outbox import Outbox
from app.offline.store import OfflineStore
from app.offline.sync import SyncEngine
from backend_client.client import ApiClient


def main() -> None:
    store_path, url = sys.argv[1], sys.argv[2]
    syncing = "--sync" in sys.argv
    store = OfflineStore(store_path)
    outbox = Outbox(store, user="dispatcher")
    if syncing:
        client = ApiClient(url, retries=0)
        client.login("dispatcher", "test-password-123")
        engine = SyncEngine(store, client, workers=3, batch=50)

        def loop() -> None:
            while True:
                engine.drain()
                time.sleep(0.01)

        threading.Thread(target=loop, daemon=True).start()
    print("READY", flush=True)
    i = 0
    while True:
        i += 1
        op, view = outbox.create({"category": "roads", "priority": "medium", "lat": 51.66, "lon": 35.65,
                                  "address": f"дом {i}", "description": f"kill test {i}"})
        uid = op.payload["body"]["client_uuid"]
        print(f"SAVED create {uid}", flush=True)
        outbox.add_comment(view["id"], f"c-{uid}")
        print(f"SAVED comment {uid}", flush=True)
        outbox.patch(view["id"], {"priority": "high"})
        print(f"SAVED patch {uid}", flush=True)
        time.sleep(0.002)


if __name__ == "__main__":
    main()

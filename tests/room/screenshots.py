"""The README's pictures of the situation room, from the demo city: the wall screen on the second of two
Xvfb screens (1920×1080, in Russian) and the first page of a day's shift report.

    .venv/bin/python tests/room/screenshots.py [--out docs/screenshots]

Needs xvfb-run (Debian xvfb) and pdftoppm (Debian poppler-utils)."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    a = p.parse_args()
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)

    import requests

    from backend.audit.service import record
    from backend.auth.models import User
    from backend.demo import seed_demo
    from tests.conftest import TEST_PASSWORD, LiveServer, make_backend

    tmp = Path(tempfile.mkdtemp(prefix="sc-room-shots-"))
    backend = make_backend(f"sqlite:///{tmp / 'demo.sqlite3'}", tmp)
    seed_demo(backend.sessionmaker, backend.settings)  # every domain's demo step: users, incidents, a year of meters
    with backend.sessionmaker() as s:
        for u in s.query(User).all():
            from backend.auth.security import hash_password

            u.password_hash = hash_password(TEST_PASSWORD)
        sup = s.query(User).filter_by(role="supervisor").first()
        record(s, user=sup, action="recording.playback", target="camera:3", details={"reason": "ДТП на ул. Ленина"})
        record(s, user=sup, action="recording.export", target="camera:3", details={"reason": "запрос ГИБДД"})
        s.commit()
        sup_name = sup.username
    server = LiveServer(backend).start()
    try:
        env = dict(os.environ, QT_QPA_PLATFORM="xcb", SC_DESK_CONFIG_DIR=str(tmp / "cfg"),
                   SC_DESK_DATA_DIR=str(tmp / "data"))
        r = subprocess.run(["xvfb-run", "-a", "-s", "-screen 0 1920x1080x24 -screen 1 1920x1080x24", sys.executable,
                            str(ROOT / "tests" / "room" / "wall_child.py"), server.url, "dispatcher", TEST_PASSWORD,
                            "--language", "ru", "--settle", "10", "--shot", str(out / "room_wall.png")],
                           capture_output=True, text=True, env=env, timeout=300)
        print(r.stdout.strip() or r.stderr[-2000:])
        c = requests.Session()
        tok = c.post(f"{server.url}/api/v1/auth/token", data={"username": sup_name, "password": TEST_PASSWORD})
        c.headers["Authorization"] = f"Bearer {tok.json()['access_token']}"
        rep = c.post(f"{server.url}/api/v1/reports", json={"period": "week"}).json()
        while rep["status"] not in ("done", "failed"):
            time.sleep(0.3)
            rep = c.get(f"{server.url}/api/v1/reports/{rep['id']}").json()
        print(json.dumps(rep, ensure_ascii=False))
        pdf = tmp / "report.pdf"
        pdf.write_bytes(c.get(f"{server.url}/api/v1/reports/{rep['id']}/file").content)
        subprocess.run(["pdftoppm", "-r", "80", "-png", "-f", "1", "-l", "2", str(pdf), str(out / "room_report")],
                       check=True)
        print(f"wrote {out / 'room_wall.png'}, {out}/room_report-*.png (from {pdf})")
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

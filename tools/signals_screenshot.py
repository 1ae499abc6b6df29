"""Render docs/screenshots/signals-*.png: the Intersections panel on a throwaway backend with a day of events.

    xvfb-run -a .venv/bin/python tools/signals_screenshot.py
"""
import json, sys, tempfile, time
from pathlib import Path
sys.path.insert(0, "/work/wt/signals")
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv)
from tests.conftest import make_backend, LiveServer, TEST_PASSWORD
from tests.signals.test_panel import last_weekday_peak_ms
from tests.signals.factories import cycles, csv_of
from backend.domain import DemoSeed
from backend.signals.demo import seed
from backend.signals.ingest import writer_for
from backend.signals import measures
tmp = Path(tempfile.mkdtemp())
import os
os.environ["SC_DESK_CONFIG_DIR"] = str(tmp / "cfg"); os.environ["SC_DESK_DATA_DIR"] = str(tmp / "data")
b = make_backend(f"sqlite:///{tmp/'sc.sqlite3'}", tmp)
for r in ("dispatcher", "supervisor", "admin"): b.add_user(r, r)
seed(DemoSeed(maker=b.sessionmaker, settings=b.settings))
w = writer_for(b.app)
now = int(time.time() * 1000)
day0 = (now + 3*3600_000) // 86_400_000 * 86_400_000 - 3*3600_000
import random
rng = random.Random(3)
for k, uid in enumerate(("kommun-kosmonavtov", "energetikov-kommun", "leningr-kosmonavtov", "molodezh-gaidara")):
    ev = []
    t = now - 24 * 3600_000
    while t < now - 120_000:
        h = ((t - day0) / 3600_000) % 24
        peak = 1 + 1.2 * (2.7 ** (-((h - 8) ** 2) / 2)) + 1.5 * (2.7 ** (-((h - 17.5) ** 2) / 2))
        a = {1: int(6 * peak + rng.random()*2), 2: int(5 * peak), 3: int(3 * peak), 4: int(2 * peak + rng.random()*2)}
        ev += cycles(t, 4, cycle_s=90, green_main=50, arrivals_per_cycle=a, seed=rng.randrange(1000))
        t += 360_000
    w.ingest_csv(csv_of(ev, uid))
    if uid != "molodezh-gaidara":
        w.ingest([(uid, json.dumps([list(e) for e in cycles(now - 100_000 - k * 7000, 1, cycle_s=90, green_main=50)]))])
    else:
        w.ingest([(uid, json.dumps([[now - 1000, 173, 3]]))])
with b.sessionmaker() as s:
    measures.compute(s, start=now - 25 * 3600_000, end=now + 900_000); s.commit()
server = LiveServer(b).start()
from app.main import build_context
from app.settings import AppSettings
from backend_client.client import ApiClient
client = ApiClient(server.url); user = client.login("supervisor", TEST_PASSWORD)
ctx = build_context(client, user, AppSettings.load(tmp / "s.json"))
ctx.events.start()
from app.theme import apply
from app import i18n
i18n.build(); i18n.install(app, "ru")
apply(app, "dark")
from widgets.signals.panel import IntersectionsPanel
p = IntersectionsPanel(ctx); p.resize(1280, 860); p.show()
def spin(sec):
    end = time.monotonic() + sec
    while time.monotonic() < end:
        app.processEvents(); time.sleep(0.02)
spin(4)
p.grab().save("/work/wt/signals/docs/screenshots/signals-measures.png")
p.tabs.setCurrentIndex(1); spin(3)
p.grab().save("/work/wt/signals/docs/screenshots/signals-pcd.png")
p.tabs.setCurrentIndex(2); p.period.setCurrentIndex(2)
p.period.setCurrentIndex(2); p.recommend(); spin(3)
p.grab().save("/work/wt/signals/docs/screenshots/signals-plans.png")
ctx.events.stop(); ctx.tasks.shutdown(wait=True)

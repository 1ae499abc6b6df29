"""Screenshot of the 3×3 demo wall: live demo cameras, and one camera that has just died ("no signal").

    xvfb-run -a -s "-screen 0 1600x900x24" .venv/bin/python tools/video_wall_screenshot.py [OUT.png]
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


@dataclass
class Cam:
    id: int
    name: str
    area: str
    address: str
    main_url: str
    sub_url: str
    enabled: bool = True
    lat: float = 0.0
    lon: float = 0.0


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs/screenshots/video_wall.png"
    from PySide6.QtWidgets import QApplication

    from app import theme
    from citysim.cameras import DEMO_CAMERAS, MjpegServer, StreamSimulator, free_port
    from widgets.video.panel import VideoWallPanel

    app = QApplication([])
    theme.apply(app, "dark")
    sim = StreamSimulator(rtsp_port=free_port(), http_port=free_port(), fps=15)
    sim.start()
    dying = MjpegServer(free_port())
    dying.add("cam", "Остановка «Городской парк»", 640, 360, fps=10, seed=7)
    dying.start()
    try:
        cams = []
        for i, c in enumerate(DEMO_CAMERAS):
            main, sub = sim.urls(c)
            if c.slug == "stop-park":
                main = sub = dying.url("cam")
            cams.append(Cam(i + 1, c.name, c.area, c.address, main, sub, lat=c.lat, lon=c.lon))
        panel = VideoWallPanel(None)
        panel.setWindowTitle("Video wall")
        panel.resize(1600, 900)
        panel.show()
        panel.set_cameras(cams)
        panel.grid_box.setCurrentIndex(panel.grid_box.findData("3x3"))
        by_slug = {c.slug: i + 1 for i, c in enumerate(DEMO_CAMERAS)}
        order = ["square-admin", "square-energetik", "embankment", "x-kommun-kosmonavtov", "x-energetikov-kommun",
                 "x-leningr-kosmonavtov", "x-molodezh-gaidara", "stop-admin", "stop-park"]
        panel.wall.set_assignments([by_slug[s] for s in order])
        tiles = panel.wall.active_tiles()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not all(t.status == "live" for t in tiles):
            app.processEvents()
            time.sleep(0.02)
        print("live:", [t.status for t in tiles])
        dying.stop()  # this camera loses its signal; the others keep running
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and tiles[-1].status != "no_signal":
            app.processEvents()
            time.sleep(0.02)
        end = time.monotonic() + 2.5
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.02)
        panel.wall.select(4)
        out.parent.mkdir(parents=True, exist_ok=True)
        panel.grab().save(str(out))
        print("saved", out, "statuses:", [t.status for t in tiles], datetime.now(timezone.utc).isoformat())
        panel.shutdown()
        panel.close()
    finally:
        sim.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Video archive benchmark: prints figures, it is not a timed test.

For a 24-hour archive of one camera (1440 one-minute segments of 1280x720 H.264 at 25 fps,
made fast by remuxing one 10-second clip with shifted timestamps; the segment files are
hard links to a few distinct remuxed files, the index has all 1440 rows):
  * seek latency: a click on the archive panel's timeline → the first frame of that moment
    painted (the real panel, offscreen Qt, decoding over HTTP from a live server), p50/p99
    over 50 random seeks;
  * export speed: a 10-minute clip through the real export job, in multiples of real time;
  * recorder CPU: one camera's live 25 fps stream recorded for --seconds (default 60) by
    the real recorder in its own process, user+system CPU as % of one core.
Targets: seek p99 < 300 ms; export >= 50x real time; recording < 2 % of a core per camera.

    .venv/bin/python bench/archive.py [--seeks 50] [--seconds 60] [--gop 50]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import av  # noqa: E402

SIZE = (1280, 720)
FPS = 25
SEGMENT = 60
DISTINCT = 24        # distinct segment files; the rest are hard links to them
GAP = range(190, 231)  # a 41-minute outage of the camera (a lost-signal event)


def make_segment(clip: Path, out: Path, seconds: int = SEGMENT) -> None:
    """Remux the clip end to end (shifted timestamps) into one MP4 segment of `seconds`."""
    with av.open(str(clip)) as inp:
        s = inp.streams.video[0]
        pkts = [p for p in inp.demux(s) if p.dts is not None]
        step = pkts[1].dts - pkts[0].dts
        loop = pkts[-1].dts - pkts[0].dts + step
        first = pkts[0].dts
        n_loops = round(seconds / float(loop * s.time_base))
        o = av.open(str(out), "w", format="mp4", options={"movflags": "+faststart"})
        ost = o.add_stream_from_template(s)
        for k in range(n_loops):
            inp.seek(0)
            for p in inp.demux(s):
                if p.dts is None:
                    continue
                p.pts += k * loop - first
                p.dts += k * loop - first
                p.stream = ost
                o.mux(p)
        o.close()


def build_archive(tmp: Path, gop: int):
    from backend.recorder.testsource import encode_clip
    from backend.cameras.models import Camera
    from backend.recordings.models import Bookmark, CameraEvent, Segment
    from tests.conftest import make_backend

    t = time.perf_counter()
    clip = encode_clip(tmp / "clip.ts", seconds=10, fps=FPS, size=SIZE, gop=gop, bitrate=4_000_000, noise=6)
    b = make_backend(f"sqlite:///{tmp / 'bench.sqlite3'}", tmp)
    b.add_user("supervisor", "supervisor")
    media = b.settings.resolved_media_dir
    folder = media / "recordings" / "1"
    folder.mkdir(parents=True)
    distinct = []
    for i in range(DISTINCT):
        f = folder / f"distinct-{i:02d}.mp4"
        make_segment(clip, f)
        distinct.append(f)
    day0 = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(days=1, minutes=5)
    rng = random.Random(7)
    with b.sessionmaker() as s:
        cam = Camera(name="Площадь у администрации", lat=51.66, lon=35.65, address="пр. Коммунистический, 16",
                     area="Площади", main_url="rtsp://cam.invalid/main", sub_url="rtsp://cam.invalid/sub",
                     enabled=True, recording=False, retention_days=14)
        s.add(cam)
        s.flush()
        for m in range(24 * 60):
            if m in GAP:
                continue
            start = day0 + timedelta(minutes=m)
            link = folder / f"{start:%H%M%S}.mp4"
            os.link(distinct[m % DISTINCT], link)
            s.add(Segment(camera_id=cam.id, start=start, end=start + timedelta(seconds=SEGMENT),
                          size=link.stat().st_size, path=str(link.relative_to(media))))
        for _ in range(160):
            a = day0 + timedelta(seconds=rng.uniform(0, 86400))
            s.add(CameraEvent(camera_id=cam.id, kind="motion", start=a, end=a + timedelta(seconds=rng.uniform(5, 90)),
                              score=0.05, details={}))
        s.add(CameraEvent(camera_id=cam.id, kind="lost_signal", start=day0 + timedelta(minutes=GAP.start),
                          end=day0 + timedelta(minutes=GAP.stop), score=0, details={}))
        s.add(Bookmark(camera_id=cam.id, at=day0 + timedelta(hours=14, minutes=12), note="Barrier hit", username="bench"))
        s.commit()
        cam_id = cam.id
    size = sum(f.stat().st_size for f in distinct) / DISTINCT
    print(f"archive: 1440 segments x {SEGMENT} s, {SIZE[0]}x{SIZE[1]} {FPS} fps GOP {gop} "
          f"({size * 8 / SEGMENT / 1e6:.1f} Mbit/s), built in {time.perf_counter() - t:.1f} s")
    b.app.state.engine.dispose()
    return ServerProcess(b, tmp), cam_id, day0


class ServerProcess:
    """The real sc-server in its own process (as in deployment: the client never shares its GIL)."""

    def __init__(self, backend, tmp: Path) -> None:
        from tests.conftest import free_port

        self.backend = backend
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, SC_MEDIA_DIR=str(backend.settings.resolved_media_dir),
                   SC_SECRET_KEY=backend.settings.secret_key, SC_RUN_RECORDER="false", SC_RUN_INGEST="false")
        self.proc = subprocess.Popen([sys.executable, "-m", "backend.cli", "--port", str(self.port),
                                      "--database-url", backend.settings.database_url], env=env, cwd=ROOT,
                                     stdout=subprocess.DEVNULL, stderr=open(tmp / "server.log", "w"))
        import requests

        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(self.url + "/api/v1/health", timeout=1).ok:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError("the server did not start; see " + str(tmp / "server.log"))
            time.sleep(0.1)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


def bench_seek(server, cam_id: int, day0: datetime, seeks: int) -> list[float]:
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from app.main import build_context
    from app.settings import AppSettings
    from backend_client.client import ApiClient
    from tests.conftest import TEST_PASSWORD
    from widgets.archive.panel import ArchivePanel

    app = QApplication.instance() or QApplication([])
    client = ApiClient(server.url)
    user = client.login("supervisor", TEST_PASSWORD)
    ctx = build_context(client, user, AppSettings.load(Path(tempfile.mkdtemp()) / "s.json"))
    panel = ArchivePanel(ctx)
    panel.resize(1600, 900)
    panel.show()
    mid = day0 + timedelta(hours=12)

    def wait(cond, timeout=10.0):
        end = time.perf_counter() + timeout
        while not cond():
            if time.perf_counter() > end:
                raise TimeoutError("no frame")
            app.processEvents()
            time.sleep(0.0005)

    ctx.bus.archive_requested.emit(cam_id, mid.isoformat())
    panel.reason_edit.setText("benchmark")
    panel.confirm_reason()
    view = panel.views[0]
    wait(lambda: view.frame_time is not None)
    tl = panel.timeline
    tl.set_view(day0.timestamp(), day0.timestamp() + 86400)
    wait(lambda: len(tl.lanes) == 1 and tl.lanes[0].ranges)
    rng = random.Random(11)
    times, exact = [], []
    for _ in range(seeks):
        while True:
            x = rng.randint(5, tl.width() - 5)
            target = tl.time_at(x)
            if any(a <= target < b - 0.1 for a, b in tl.lanes[0].ranges):
                break
        before = view.frame_time
        t0 = time.perf_counter()
        QTest.mouseClick(tl, Qt.MouseButton.LeftButton, pos=QPoint(x, 30))
        # first frame of that moment: the key frame at or before the click (at most a GOP earlier)
        wait(lambda: view.frame_time != before and target - 2.5 <= view.frame_time <= target + 0.06)
        times.append((time.perf_counter() - t0) * 1000)
        wait(lambda: abs(view.frame_time - target) < 0.06)       # then the exact frame
        exact.append((time.perf_counter() - t0) * 1000)
    panel.shutdown()
    panel.close()
    ctx.tasks.shutdown(wait=True)
    return times, exact


def screenshot(server, cam_id: int, day0: datetime, path: Path) -> None:
    from PySide6.QtWidgets import QApplication

    from app import theme
    from app.main import build_context
    from app.settings import AppSettings
    from backend_client.client import ApiClient
    from tests.conftest import TEST_PASSWORD
    from widgets.archive.panel import ArchivePanel

    app = QApplication.instance() or QApplication([])
    theme.apply(app, "dark")
    client = ApiClient(server.url)
    ctx = build_context(client, client.login("supervisor", TEST_PASSWORD),
                        AppSettings.load(Path(tempfile.mkdtemp()) / "s.json"))
    panel = ArchivePanel(ctx)
    panel.resize(1600, 900)
    panel.show()
    at = day0 + timedelta(hours=14, minutes=51, seconds=8)   # the box crosses the square
    ctx.bus.archive_requested.emit(cam_id, at.isoformat())
    panel.reason_edit.setText("Incident 42: who hit the barrier")
    panel.confirm_reason()
    end = time.monotonic() + 15
    while (panel.views[0].frame_time is None or not panel.timeline.lanes) and time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)
    panel.timeline.set_view(day0.timestamp(), day0.timestamp() + 86400)
    for _ in range(50):
        app.processEvents()
        time.sleep(0.01)
    path.parent.mkdir(parents=True, exist_ok=True)
    panel.grab().save(str(path))
    print(f"screenshot: {path}")
    panel.shutdown()
    panel.close()
    ctx.tasks.shutdown(wait=True)


def bench_export(server, cam_id: int, day0: datetime, minutes: int = 10) -> float:
    from backend.recordings.service import create_export
    from backend_client.schemas.recordings import ExportCreate
    from backend.auth.models import User
    from sqlalchemy import select

    b = server.backend
    t1 = day0 + timedelta(hours=3, seconds=17)
    with b.sessionmaker() as s:
        user = s.scalar(select(User).where(User.username == "supervisor"))
        exp = create_export(s, user=user, data=ExportCreate(camera_id=cam_id, start=t1,
                                                            end=t1 + timedelta(minutes=minutes), reason="bench"))
        s.commit()
        eid = exp.id
    from backend.recordings.exports import ExportRunner

    t = time.perf_counter()
    ExportRunner(b.sessionmaker, b.settings.resolved_media_dir).run(eid)
    took = time.perf_counter() - t
    from backend.recordings.models import RecordingExport
    with b.sessionmaker() as s:
        exp = s.get(RecordingExport, eid)
        assert exp.status == "done", exp.error
        size = exp.size
    print(f"export: {minutes} min clip ({size / 1e6:.0f} MB, remux + SHA-256) in {took:.2f} s")
    return minutes * 60 / took


def recorder_child(tmp: str, url: str, seconds: float) -> None:
    """Runs in its own process: the real recorder, one camera; prints CPU seconds used while recording."""
    from backend.cameras.models import Camera
    from backend.recorder.service import Recorder, RecorderOptions
    from tests.conftest import make_backend

    b = make_backend(f"sqlite:///{tmp}/rec.sqlite3", Path(tmp))
    with b.sessionmaker() as s:
        s.add(Camera(name="bench", lat=0, lon=0, address="", area="", main_url=url, sub_url=url, enabled=True,
                     recording=True, retention_days=1))
        s.commit()
    rec = Recorder(b.sessionmaker, b.settings.resolved_media_dir, RecorderOptions(segment_seconds=60,
                                                                                 poll_seconds=5))
    rec.start()
    time.sleep(5)                      # connect and settle; not counted
    r0, w0 = resource.getrusage(resource.RUSAGE_SELF), time.monotonic()
    time.sleep(seconds)
    r1, w1 = resource.getrusage(resource.RUSAGE_SELF), time.monotonic()
    cam = next(iter(rec.cameras.values()))
    rec.stop()
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    print(f"CPU {cpu:.3f} {w1 - w0:.3f} {cam.segments_written}", flush=True)


def source_child(clip: str, port_file: str) -> None:
    from backend.recorder.testsource import LiveH264Source

    src = LiveH264Source(Path(clip)).start()
    Path(port_file).write_text(src.url)
    time.sleep(3600)


def bench_recorder(tmp: Path, seconds: float, gop: int) -> float:
    from backend.recorder.testsource import encode_clip

    clip = tmp / "rec-clip.ts"
    if not clip.exists():
        encode_clip(clip, seconds=10, fps=FPS, size=SIZE, gop=gop, bitrate=4_000_000, noise=6)
    url_file = tmp / "src.url"
    src = subprocess.Popen([sys.executable, __file__, "--source-child", str(clip), str(url_file)])
    try:
        deadline = time.monotonic() + 20
        while not url_file.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        rec_tmp = tmp / "rec"
        rec_tmp.mkdir(exist_ok=True)
        out = subprocess.run([sys.executable, __file__, "--recorder-child", str(rec_tmp), url_file.read_text(),
                              str(seconds)], capture_output=True, text=True, timeout=seconds + 60)
    finally:
        src.terminate()
        src.wait(5)
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("CPU ")), None)
    if line is None:
        raise RuntimeError(out.stderr[-2000:])
    _, cpu, wall, segs = line.split()
    print(f"recorder: {float(wall):.0f} s of a {SIZE[0]}x{SIZE[1]} {FPS} fps stream, {segs} segments closed, "
          f"{float(cpu):.2f} CPU s (motion detection on)")
    return float(cpu) / float(wall) * 100


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeks", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--gop", type=int, default=50)
    ap.add_argument("--screenshot", help="only save the player with the day's timeline to this PNG")
    ap.add_argument("--recorder-child", nargs=3)
    ap.add_argument("--source-child", nargs=2)
    args = ap.parse_args()
    if args.recorder_child:
        recorder_child(args.recorder_child[0], args.recorder_child[1], float(args.recorder_child[2]))
        return 0
    if args.source_child:
        source_child(*args.source_child)
        return 0
    import logging
    logging.basicConfig(level=logging.WARNING)
    tmp = Path(tempfile.mkdtemp(prefix="sc-bench-archive-"))
    server, cam_id, day0 = build_archive(tmp, args.gop)
    if args.screenshot:
        try:
            screenshot(server, cam_id, day0, Path(args.screenshot))
        finally:
            server.stop()
        return 0
    try:
        seeks, exact = bench_seek(server, cam_id, day0, args.seeks)
        speed = bench_export(server, cam_id, day0)
    finally:
        server.stop()
    cpu = bench_recorder(tmp, args.seconds, args.gop)
    q = statistics.quantiles(seeks, n=100, method="inclusive")
    print()
    print(f"seek (timeline click → first frame shown), {len(seeks)} random seeks over 24 h: "
          f"p50 {statistics.median(seeks):.0f} ms, p99 {q[98]:.0f} ms, max {max(seeks):.0f} ms  [target p99 < 300 ms]")
    q = statistics.quantiles(exact, n=100, method="inclusive")
    print(f"seek to the exact frame (decoded on from the key frame, GOP {args.gop / FPS:g} s): "
          f"p50 {statistics.median(exact):.0f} ms, p99 {q[98]:.0f} ms, max {max(exact):.0f} ms")
    print(f"export speed: {speed:.0f}x real time  [target >= 50x]")
    print(f"recorder CPU: {cpu:.2f} % of a core per camera  [target < 2 %]")
    import shutil
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: the 4×4 wall on sixteen 640×360 25 fps H.264 RTSP streams, against ffmpeg's own decode.

    .venv/bin/python bench/video_wall.py [--seconds 30] [--streams 16]

Runs itself under Xvfb (xvfb-run) when there is no display and xvfb-run exists, else offscreen.
Prints frames shown per second per tile, frames dropped (decoded but replaced by a newer one
before the GUI painted it), CPU seconds per shown frame (split by thread: GUI, stream readers,
Qt's and FFmpeg's helper threads), the same figure for
`ffmpeg -threads 1 -i STREAM -f null -` on the same streams, their ratio, and the longest
stall of the GUI thread.  The streams come from a separate process (a looped pre-encoded
file through the GStreamer RTSP server), so their cost is not counted; neither is the X
server's (Xvfb copies the flushed window contents in its own process).  ffmpeg gets a 5 s socket
timeout so that a stream the server stops feeding cannot hang the bench.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def reexec_under_xvfb() -> None:
    if os.environ.get("DISPLAY") or os.environ.get("SC_BENCH_CHILD") or os.environ.get("QT_QPA_PLATFORM"):
        return
    if shutil.which("xvfb-run"):
        env = dict(os.environ, SC_BENCH_CHILD="1")
        cmd = ["xvfb-run", "-a", "-s", "-screen 0 1920x1080x24", sys.executable, *sys.argv]
        raise SystemExit(subprocess.call(cmd, env=env))
    os.environ["QT_QPA_PLATFORM"] = "offscreen"


@dataclass
class Cam:
    id: int
    name: str
    main_url: str
    sub_url: str
    enabled: bool = True
    area: str = ""
    address: str = ""


def cpu_self() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def thread_cpu() -> dict[str, float]:
    """CPU seconds of every live thread of this process by kind (from /proc; Linux only)."""
    import threading
    clk = os.sysconf("SC_CLK_TCK")
    names = {t.native_id: t.name for t in threading.enumerate()}
    main = threading.main_thread().native_id
    out: dict[str, float] = {}
    for task in Path("/proc/self/task").iterdir():
        try:
            stat = (task / "stat").read_text()
            comm = (task / "comm").read_text().strip()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        tid = int(task.name)
        kind = ("GUI thread" if tid == main else "stream readers" if names.get(tid, "").startswith("video:")
                else f"other ({comm})")
        out[kind] = out.get(kind, 0.0) + (int(fields[11]) + int(fields[12])) / clk
    return out


def start_streams(n: int, port: int, video: Path) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "citysim.cameras", "--bench", str(n),
                             "--rtsp-port", str(port), "--bench-file", str(video)],
                            cwd=ROOT, stdout=subprocess.PIPE, text=True)
    for line in proc.stdout:
        if line.strip() == "ready":
            return proc
    raise RuntimeError("the stream server did not start")


def measure_stall(app, seconds: float) -> int:
    """Longest gap between ticks of a 5 ms timer while the event loop runs for `seconds`."""
    from PySide6.QtCore import QElapsedTimer, QEventLoop, Qt, QTimer

    clock, worst = QElapsedTimer(), {"last": 0, "max": 0}

    def tick() -> None:
        now = clock.elapsed()
        worst["max"] = max(worst["max"], now - worst["last"])
        worst["last"] = now

    ticker = QTimer(timeout=tick, interval=5, timerType=Qt.TimerType.PreciseTimer)
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    clock.start()
    ticker.start()
    loop.exec()
    ticker.stop()
    return worst["max"]


def run_wall(urls: list[str], seconds: float) -> dict:
    from PySide6.QtCore import QElapsedTimer, QEventLoop, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from widgets.video.wall import VideoWall

    app = QApplication.instance() or QApplication([])
    idle_stall = measure_stall(app, 5.0)  # the machine's own noise: an empty event loop, same ticker
    wall = VideoWall()
    wall.setWindowTitle("bench")
    wall.resize(1920, 1080)
    wall.show()
    wall.set_cameras([Cam(i + 1, f"bench {i}", u, u) for i, u in enumerate(urls)])
    wall.set_grid("4x4")
    wall.set_assignments(list(range(1, len(urls) + 1)))
    tiles = wall.active_tiles()

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not all(t.status == "live" for t in tiles):
        app.processEvents()
        time.sleep(0.01)
    live = sum(t.status == "live" for t in tiles)
    for _ in range(50):  # let the streams settle to a steady state (keyframes, buffers)
        app.processEvents()
        time.sleep(0.02)

    clock = QElapsedTimer()
    stall = {"last": 0, "max": 0}

    def tick() -> None:
        now = clock.elapsed()
        stall["max"] = max(stall["max"], now - stall["last"])
        stall["last"] = now

    ticker = QTimer(timeout=tick, interval=5, timerType=Qt.TimerType.PreciseTimer)
    shown0 = [t.shown for t in tiles]
    dec0 = [t.reader.decoded if t.reader else 0 for t in tiles]
    taken0 = [t.reader.taken if t.reader else 0 for t in tiles]
    threads0 = thread_cpu()
    cpu0, t0, gui0 = cpu_self(), time.monotonic(), time.thread_time()
    clock.start()
    ticker.start()
    loop = QEventLoop()  # a real event loop: nothing of the bench's own spins on the GUI thread
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()
    ticker.stop()
    cpu, elapsed, gui_cpu = cpu_self() - cpu0, time.monotonic() - t0, time.thread_time() - gui0
    threads = {k: v - threads0.get(k, 0.0) for k, v in thread_cpu().items()}
    shown = [t.shown - s for t, s in zip(tiles, shown0)]
    decoded = [(t.reader.decoded if t.reader else 0) - d for t, d in zip(tiles, dec0)]
    taken = [(t.reader.taken if t.reader else 0) - k for t, k in zip(tiles, taken0)]
    wall.stop_all()
    wall.close()
    return {"live": live, "elapsed": elapsed, "cpu": cpu, "shown": shown, "decoded": decoded,
            "dropped": sum(max(0, d - k) for d, k in zip(decoded, taken)), "stall_ms": stall["max"],
            "gui_cpu": gui_cpu, "idle_stall_ms": idle_stall, "threads": threads,
            "platform": app.platformName()}


def run_ffmpeg(urls: list[str], seconds: float) -> dict:
    procs = []
    for u in urls:
        procs.append(subprocess.Popen(["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-stats",
                                       "-threads", "1", "-rtsp_transport", "tcp", "-timeout", "5000000", "-i", u, "-t", str(seconds),
                                       "-f", "null", "-"], stderr=subprocess.PIPE, text=True))
    cpu, frames = 0.0, 0
    for p in procs:
        _, _, usage = os.wait4(p.pid, 0)
        p.returncode = 0
        err = p.stderr.read()
        cpu += usage.ru_utime + usage.ru_stime
        counts = re.findall(r"frame=\s*(\d+)", err)
        frames += int(counts[-1]) if counts else 0
    return {"cpu": cpu, "frames": frames}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--streams", type=int, default=16)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--wall-only", action="store_true",
                    help="skip the ffmpeg reference (for comparing two versions of the wall back to back)")
    args = ap.parse_args()
    reexec_under_xvfb()
    from citysim.cameras import RtspServer, free_port, write_h264_file

    why = RtspServer.available()
    if why or not shutil.which("ffmpeg"):
        print(f"cannot run: {why or 'ffmpeg is not installed'}")
        return 1
    workdir = Path(tempfile.mkdtemp(prefix="sc-video-wall-bench-"))
    video = write_h264_file(workdir / "640x360-25fps.h264", width=640, height=360, fps=25, seconds=10,
                            title="bench 640x360 25 fps")
    port = args.port or free_port()
    server = start_streams(args.streams, port, video)
    urls = [f"rtsp://127.0.0.1:{port}/bench{i}" for i in range(args.streams)]
    try:
        wall = run_wall(urls, args.seconds)
        ref = {"cpu": 0.0, "frames": 0} if args.wall_only else run_ffmpeg(urls, args.seconds)
    finally:
        server.terminate()
        server.wait(10)
        shutil.rmtree(workdir, ignore_errors=True)

    fps = [s / wall["elapsed"] for s in wall["shown"]]
    shown = sum(wall["shown"])
    ours = wall["cpu"] / max(1, shown)
    theirs = ref["cpu"] / max(1, ref["frames"])
    print(f"platform: {wall['platform']}, {os.cpu_count()} CPUs, {args.streams} streams 640x360 25 fps H.264 over RTSP,"
          f" {wall['elapsed']:.1f} s, tiles live at start: {wall['live']}/{args.streams}")
    print("frames shown per second per tile: " + " ".join(f"{f:.1f}" for f in fps))
    print(f"  min {min(fps):.1f}  median {statistics.median(fps):.1f}  max {max(fps):.1f}  (target >= 24)")
    print(f"frames decoded: {sum(wall['decoded'])}, shown: {shown}, dropped (stale, never painted): {wall['dropped']}")
    print(f"wall CPU: {wall['cpu']:.2f} s = {ours * 1000:.3f} ms per shown frame")
    print(f"  of which the GUI thread (painting): {wall['gui_cpu']:.2f} s = {wall['gui_cpu'] / max(1, shown) * 1000:.3f} ms per frame")
    for kind, secs in sorted(wall["threads"].items(), key=lambda kv: -kv[1]):
        if secs >= 0.01:
            print(f"    {kind}: {secs:.2f} s = {secs / max(1, shown) * 1000:.3f} ms per frame")
    gone = wall["cpu"] - sum(wall["threads"].values())
    print(f"    threads that ended during the run, and rounding: {gone:.2f} s")
    if ref["frames"]:
        print(f"ffmpeg -threads 1 -f null: {ref['cpu']:.2f} s for {ref['frames']} frames = {theirs * 1000:.3f} ms per frame")
        print(f"ratio wall/ffmpeg: {ours / theirs:.2f}  (target <= 1.5)")
    print(f"longest GUI thread stall: {wall['stall_ms']} ms  (target < 50); the same timer in an idle event loop"
          f" before the wall started: {wall['idle_stall_ms']} ms")
    load = os.getloadavg()
    print(f"load average during the run: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} (other processes share the machine)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

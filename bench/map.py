"""Map bench: first show with 5,000 objects, then 30 updates that move all of them.

    xvfb-run -a .venv/bin/python bench/map.py        # a real X server (the figures to quote)
    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/map.py
    SC_DESK_RENDERER=opengl|software ...   force a scene graph (default: as the desktop, software without a GPU)
    SC_DESK_CACHE_DIR=/tmp/c ...  twice: the second run is a warm start (page already built)

Prints the time from creating the panel to the page having drawn 5,000 objects, the round
trip of one update that moves all 5,000 (Python send → page applied and framed), p50/p99
over 30 updates, and the GUI thread's longest block (a 5 ms heartbeat timer's worst lateness),
plus CPU time per update and Python GC pauses, which do not depend on how busy the machine is.
Targets: first show < 2 s, update p99 < 100 ms, GUI never blocked > 50 ms.

Start-up runs in the app's order (app/main.py): WebEngine is started, the panel built and the
start-up heap frozen for the GC while no window is on screen; those steps are timed and printed
apart ("before the window shows"). The heartbeat runs from the window's show() on, through the
page build and load, the first 5,000 objects and the updates. For its longest block it also
prints how the GUI thread spent it (Linux schedstat): on a CPU (work done on it), waiting for a
CPU (a machine busy with other work), or asleep (the GIL, a lock, a synchronous wait).
SC_GC_FREEZE=0: no gc.freeze() (the app always freezes). SC_HEARTBEAT_FROM=create: the
heartbeat runs from before WebEngine's start, as if the map were made while a window is shown.
"""
from __future__ import annotations

import gc
import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")
if not os.environ.get("DISPLAY") and not os.environ.get("QT_QPA_PLATFORM"):
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from concurrent.futures import ThreadPoolExecutor  # noqa: E402

from PySide6.QtCore import QCoreApplication, QElapsedTimer, QEvent, QEventLoop, Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

N_OBJECTS = 5000
N_UPDATES = int(os.environ.get("SC_BENCH_UPDATES", "30"))
HEARTBEAT_MS = int(os.environ.get("SC_HEARTBEAT_MS", "5"))


class ThreadSched:
    """(ms on a CPU, ms runnable but waiting for a CPU) of the thread that made it (Linux schedstat)."""

    def __init__(self) -> None:
        try:
            self._fd: int | None = os.open("/proc/thread-self/schedstat", os.O_RDONLY)
        except OSError:
            self._fd = None

    def __call__(self) -> tuple[float, float]:
        if self._fd is None:
            return time.thread_time() * 1000, 0.0
        run_ns, queued_ns, _ = os.pread(self._fd, 128, 0).split()
        return int(run_ns) / 1e6, int(queued_ns) / 1e6


class Heartbeat:
    """Measures how late a frequent timer fires: the longest time the GUI thread was busy.

    worst: (ms late, ms of it the GUI thread was on a CPU, ms it waited for a CPU, the phases
    the gap spanned). The rest of a gap the thread was asleep: for the GIL, another lock, or
    a synchronous call into another thread or process (OpenGL on llvmpipe waits for its threads).
    """

    def __init__(self) -> None:
        self.timer = QTimer(interval=HEARTBEAT_MS, timerType=Qt.TimerType.PreciseTimer)
        self.clock = QElapsedTimer()
        self.worst = (0.0, 0.0, 0.0, "")
        self.phase = ""
        self._seen: list[str] = []
        self._sched = (0.0, 0.0)
        self._read_sched = ThreadSched()  # made on the GUI thread, reads the GUI thread's figures
        self.timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.worst = (0.0, 0.0, 0.0, "")
        self._seen = [self.phase]
        self._sched = self._read_sched()
        self.clock.start()
        self.timer.start()

    def _tick(self) -> None:
        gap = self.clock.nsecsElapsed() / 1e6
        self.clock.restart()
        (run0, queued0), self._sched = self._sched, self._read_sched()
        seen, self._seen = self._seen, [self.phase]
        if gap - HEARTBEAT_MS > self.worst[0]:
            phases = " → ".join(dict.fromkeys(p for p in seen if p))
            self.worst = (gap - HEARTBEAT_MS, self._sched[0] - run0, self._sched[1] - queued0, phases)

    def enter(self, phase: str) -> None:
        self.phase = phase
        self._seen.append(phase)


def wait_for(signal, timeout_ms: int = 30_000):
    loop = QEventLoop()
    box: list = []

    def got(*args):
        box.append(args)
        loop.quit()

    signal.connect(got)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()
    signal.disconnect(got)
    if not box:
        raise TimeoutError(f"no {signal} within {timeout_ms} ms")
    return box[0]


class GcPauses:
    """The longest pause of Python's cyclic collector: it stops every Python thread, the GUI's too.

    worst: (wall ms, CPU ms of the collecting thread, generation); reset() starts a new count.
    """

    def __init__(self) -> None:
        self.reset()
        self._t0 = self._cpu0 = 0.0
        gc.callbacks.append(self._cb)

    def reset(self) -> None:
        self.worst = (0.0, 0.0, 0)
        self.count = 0
        self.total_ms = [0.0, 0.0, 0.0]

    def _cb(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._t0, self._cpu0 = time.perf_counter(), time.thread_time()
        else:
            ms = (time.perf_counter() - self._t0) * 1000
            self.count += 1
            self.total_ms[info["generation"]] += ms
            if ms > self.worst[0]:
                self.worst = (ms, (time.thread_time() - self._cpu0) * 1000, info["generation"])


def tree_cpu_s(pid: int | None = None) -> float:
    """CPU seconds of this process and its children (the WebEngine processes), from /proc."""
    pid = pid or os.getpid()
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / tick
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                total += sum(tree_cpu_s(int(c)) for c in fh.read().split())
    except OSError:
        pass
    return total


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> int:
    from app.main import choose_renderer

    # As the desktop does (auto: software without a GPU render node); SC_QUICK_SOFTWARE=1 or
    # SC_DESK_RENDERER=software|opengl force one.
    renderer = choose_renderer("software" if os.environ.get("SC_QUICK_SOFTWARE") else None)
    print(f"  scene graph: {renderer}")
    QApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    app = QApplication(sys.argv)
    from widgets.map import demo
    from widgets.map.panel import MapPanel, start_web_engine

    if os.environ.get("SC_MAP_SYNC_ENCODE"):  # experiment: encode on the GUI thread instead
        import widgets.map.sender as sender_mod

        class Now:
            def submit(self, fn, *a):
                fn(*a)

            def shutdown(self, **_kw):
                pass

        sender_mod.ThreadPoolExecutor = lambda **_kw: Now()
    from app.standalone import standalone_context

    ctx = standalone_context(demo.demo_incidents(200), extra_features=(demo.DEMO_FEATURE,))
    # Cold by default: an empty page cache, so the first show includes building the page with
    # folium. Run twice with the same SC_DESK_CACHE_DIR to measure a warm start.
    import tempfile

    own_cache = not os.environ.get("SC_DESK_CACHE_DIR")
    cache = os.environ.get("SC_DESK_CACHE_DIR") or tempfile.mkdtemp(prefix="sc-bench-map-")
    os.environ["SC_DESK_CACHE_DIR"] = cache
    warm = any(Path(cache).glob("map/*/index.html"))
    # Positions arrive like a feed's: made on another thread, one frame at a time.
    feed = ThreadPoolExecutor(max_workers=1, thread_name_prefix="feed")
    first = demo.moving_objects(N_OBJECTS, 0.0)
    gc_pauses = GcPauses()
    beat = Heartbeat()

    # Before the window shows, as app/main.py does it: nothing on screen can freeze here.
    from_create = os.environ.get("SC_HEARTBEAT_FROM") == "create"
    if from_create:
        beat.enter("WebEngine start-up")
        beat.start()
    t0 = time.perf_counter()
    cpu0 = time.thread_time()
    start_web_engine()
    engine = (time.perf_counter() - t0) * 1000, (time.thread_time() - cpu0) * 1000
    t1, cpu1 = time.perf_counter(), time.thread_time()
    beat.enter("panel construction")
    panel = MapPanel(ctx)
    panel.resize(1280, 800)
    panel.set_layer_items("buses", first)
    built = (time.perf_counter() - t1) * 1000, (time.thread_time() - cpu1) * 1000
    t2 = time.perf_counter()
    freeze = os.environ.get("SC_GC_FREEZE", "1") != "0"
    if freeze:
        # The app parks its start-up heap outside the collector before it shows the window, so
        # a full collection walks only what was made since.
        gc.collect()
        gc.freeze()
    frozen_ms = (time.perf_counter() - t2) * 1000
    gc_pauses.reset()  # from the show on

    beat.enter("show")
    if not from_create:
        beat.start()
    panel.show()
    beat.enter("page build and load")
    wait_for(panel.page_loaded)
    # The first acknowledged batch carries the 5,000 objects (and the incidents, if loaded by then).
    beat.enter("first 5,000 objects")
    wait_for(panel.batch_applied)
    first_show = time.perf_counter() - t0
    block_show = beat.worst
    gc_show = gc_pauses.worst

    beat.enter("updates")
    beat.start()
    gui_cpu0 = time.thread_time()
    tree_cpu0 = tree_cpu_s()
    page_ms: list[float] = []
    panel.bridge.applied.connect(lambda _seq, ms: page_ms.append(ms))
    rtts: list[float] = []
    upcoming = feed.submit(demo.moving_objects, N_OBJECTS, 0.05)
    for i in range(N_UPDATES):
        frame = upcoming.result()
        upcoming = feed.submit(demo.moving_objects, N_OBJECTS, (i + 2) * 0.05)
        panel.update_items("buses", frame)
        panel.flush_now()
        _seq, ms = wait_for(panel.batch_applied)
        rtts.append(ms)
        QCoreApplication.processEvents()
    block_updates = beat.worst
    gui_cpu_per_update = (time.thread_time() - gui_cpu0) * 1000 / N_UPDATES
    tree_cpu_per_update = (tree_cpu_s() - tree_cpu0) * 1000 / N_UPDATES
    encode_cpu = panel.batches.encode_cpu_ms[-N_UPDATES:]

    result = {
        "platform": QApplication.platformName(),
        "page_cache": "warm" if warm else "cold",
        "objects": N_OBJECTS,
        "first_show_s": round(first_show, 3),
        "before_show_webengine_ms": round(engine[0], 1),
        "before_show_webengine_cpu_ms": round(engine[1], 1),
        "before_show_panel_ms": round(built[0], 1),
        "before_show_panel_cpu_ms": round(built[1], 1),
        "before_show_gc_freeze_ms": round(frozen_ms, 1) if freeze else None,
        "update_p50_ms": round(statistics.median(rtts), 1),
        "update_p99_ms": round(pct(rtts, 99), 1),
        "update_max_ms": round(max(rtts), 1),
        "gui_block_max_ms": round(max(block_show[0], block_updates[0]), 1),
        "gui_block_start_ms": round(block_show[0], 1),
        "gui_block_start_cpu_ms": round(block_show[1], 1),
        "gui_block_start_cpu_wait_ms": round(block_show[2], 1),
        "gui_block_start_phase": block_show[3],
        "gui_block_during_updates_ms": round(block_updates[0], 1),
        "gui_block_during_updates_cpu_ms": round(block_updates[1], 1),
        "gui_block_during_updates_cpu_wait_ms": round(block_updates[2], 1),
        "page_apply_ms_p50": round(statistics.median(page_ms), 1) if page_ms else None,
        "page_apply_ms_max": round(max(page_ms), 1) if page_ms else None,
        "gui_cpu_ms_per_update": round(gui_cpu_per_update, 1),
        "encode_cpu_ms_p50": round(statistics.median(encode_cpu), 1),
        "app_cpu_ms_per_update": round(tree_cpu_per_update, 1),
        "gc_pause_max_ms": round(max(gc_show[0], gc_pauses.worst[0]), 1),
        "gc_pause_start": [round(gc_show[0], 1), round(gc_show[1], 1), gc_show[2]],
        "gc_pause_updates": [round(gc_pauses.worst[0], 1), round(gc_pauses.worst[1], 1), gc_pauses.worst[2]],
        "gc_collections": gc_pauses.count,
        "gc_total_ms_by_generation": [round(x) for x in gc_pauses.total_ms],
        "load_average": os.getloadavg()[0],
    }
    print(f"map bench ({result['platform']}, {N_OBJECTS} objects, {N_UPDATES} updates)")
    print(f"  first show with {N_OBJECTS} objects ({result['page_cache']} page cache): "
          f"{result['first_show_s']:.2f} s   (target < 2 s)")
    print(f"    of which before the window shows (no window to freeze): WebEngine start-up "
          f"{engine[0]:.0f} ms (GUI CPU {engine[1]:.0f} ms, one call), panel {built[0]:.0f} ms "
          f"(CPU {built[1]:.0f} ms), " + (f"gc collect + freeze {frozen_ms:.0f} ms" if freeze else "no gc.freeze()"))
    print(f"  update moving all {N_OBJECTS}: p50 {result['update_p50_ms']:.1f} ms, "
          f"p99 {result['update_p99_ms']:.1f} ms   (target p99 < 100 ms)")
    print(f"  GUI thread longest block: {result['gui_block_max_ms']:.1f} ms   (target < 50 ms)")
    start_name = "from creating the map" if from_create else "from show()"
    for name, (late, run, queued, phases) in ((start_name, block_show), ("during updates", block_updates)):
        asleep = max(0.0, late + HEARTBEAT_MS - run - queued)
        print(f"    {name}: {late:.1f} ms in '{phases}': the GUI thread was on a CPU {run:.1f} ms, "
              f"waited for a CPU {queued:.1f} ms, asleep {asleep:.1f} ms (the GIL, a lock, a synchronous wait)")
    print(f"  inside the page (JS applying the message): p50 {result['page_apply_ms_p50']} ms, "
          f"max {result['page_apply_ms_max']} ms")
    print(f"  CPU per update: GUI thread {result['gui_cpu_ms_per_update']:.1f} ms (incl. the heartbeat), "
          f"encoding on the sender thread {result['encode_cpu_ms_p50']:.1f} ms (p50); "
          f"app + WebEngine processes {result['app_cpu_ms_per_update']:.1f} ms")
    gc_upd = gc_pauses.worst
    print(f"  Python GC from show() on: {result['gc_collections']} collections, longest {gc_show[0]:.1f} ms "
          f"(CPU {gc_show[1]:.1f}, gen {gc_show[2]}) at start, {gc_upd[0]:.1f} ms (CPU {gc_upd[1]:.1f}, "
          f"gen {gc_upd[2]}) in updates, total ms by generation {result['gc_total_ms_by_generation']}; "
          f"load average {result['load_average']:.1f} on {os.cpu_count()} cores")
    out = Path(__file__).resolve().parent / "out"
    out.mkdir(exist_ok=True)
    (out / "map.json").write_text(json.dumps(result, indent=2))

    panel.close()
    panel.deleteLater()  # now, not when the QApplication goes: WebEngine wants its pages gone first
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    ctx.tasks.shutdown(wait=True)
    feed.shutdown()
    import shutil

    if own_cache:
        shutil.rmtree(cache, ignore_errors=True)
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())

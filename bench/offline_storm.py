"""A storm against offline logging: the desktop's real offline machinery killed mid-sync, again and again.

    .venv/bin/python bench/offline_storm.py [--rounds 40] [--seed 1]

Each round starts a desktop process (the same login, context, gateway, sync thread and
event stream the desktop builds, offscreen) that logs incidents, comments, description
edits and status changes with notes without waiting between them, while the server (its
own process, SQLite) is up, down or frozen (SIGSTOP) and changes state mid-round; the
desktop is SIGKILLed 0.2–3 s in. A final run with the server up drains the outbox with no
operator action. Then every operation the desktop reported saved is looked up in the
server's database: printed are the counts of missing, doubled, stuck and conflicting
operations (all must be 0) and the log volume. tests/test_offline_storm.py runs a short one.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

USER, PASSWORD = "storm", "storm-password-123"
SECRET = "s" * 48
STATUSES = ("acknowledged", "in_progress", "resolved")


# ---------------------------------------------------------------- the server, in its own process

class Server:
    """sc-server on SQLite in its own process group: up, down (stopped) or frozen (SIGSTOP)."""

    def __init__(self, workdir: Path) -> None:
        import socket

        self.db = workdir / "server.sqlite3"
        self.url_db = f"sqlite:///{self.db}"
        self.media = workdir / "media"
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self.state = "down"
        self._prepare()

    def _prepare(self) -> None:
        from backend.auth.service import create_user
        from backend.db import make_engine, make_sessionmaker, migrate

        engine = make_engine(self.url_db)
        migrate(engine)
        with make_sessionmaker(engine)() as s:
            create_user(s, username=USER, role="dispatcher", password=PASSWORD)
            s.commit()
        engine.dispose()

    def set(self, state: str) -> None:
        if state == self.state:
            return
        if self.state == "frozen":
            os.killpg(self.proc.pid, signal.SIGCONT)
        if state == "down":
            self._stop()
        elif state == "up" and self.proc is None:
            self._start()
        elif state == "frozen":
            if self.proc is None:
                self._start()
            os.killpg(self.proc.pid, signal.SIGSTOP)
        self.state = state

    def _start(self) -> None:
        import requests

        env = {**os.environ, "SC_SECRET_KEY": SECRET, "SC_MEDIA_DIR": str(self.media), "SC_RUN_INGEST": "false",
               "SC_RUN_RECORDER": "false", "SC_DEMO": "false"}
        env.pop("SC_DATABASE_URL", None)
        self.proc = subprocess.Popen([sys.executable, "-m", "backend.cli", "--host", "127.0.0.1", "--port",
                                      str(self.port), "--database-url", self.url_db], env=env, cwd=ROOT,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 60
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError("the server exited at start")
            try:
                if requests.get(f"{self.url}/api/v1/health", timeout=1).ok:
                    return
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not start in 60 s")
            time.sleep(0.1)

    def _stop(self) -> None:
        if self.proc is not None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
            self.proc = None

    def close(self) -> None:
        if self.state == "frozen":
            os.killpg(self.proc.pid, signal.SIGCONT)
        self._stop()
        self.state = "down"


# ---------------------------------------------------------------- the desktop, in its own process

def child(data_dir: str, url: str, label: str, final: bool, seed: int) -> int:
    """The desktop's offline machinery, driven like an operator who never waits; prints what it saved."""
    os.environ["SC_DESK_DATA_DIR"] = data_dir
    os.environ["SC_DESK_CONFIG_DIR"] = str(Path(data_dir) / "config")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import uuid

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from app import logs
    from app.main import build_context
    from app.offline import credentials
    from app.settings import AppSettings
    from backend_client.client import ApiClient
    from backend_client.errors import ApiError, ConnectionLost
    from backend_client.schemas.incidents import IncidentCreate

    logs.setup(Path(data_dir) / "logs")
    app = QApplication([])
    client = ApiClient(url, timeout=(1.0, 4.0), retries=0)
    try:
        user = client.login(USER, PASSWORD)
        credentials.remember_login(url, USER, PASSWORD, user, client.token)
        online = True
    except (ConnectionLost, ApiError):
        found = credentials.offline_login(url, USER, PASSWORD)
        if found is None:
            print("NOLOGIN", flush=True)
            return 2
        client, user = found
        online = False
    ctx = build_context(client, user, AppSettings(alert_sound=False), online=online)
    ctx.events.start()
    gw = ctx.incidents
    rnd = random.Random(seed)
    mine: dict[str, dict] = {}   # client uuid -> {"id", "stage", "busy", "n"}

    def out(*parts) -> None:
        print(*parts, flush=True)

    def refused(kind: str, uid: str):
        return lambda exc: out("REFUSED", kind, uid, str(exc).replace("\n", " ")[:200])

    def create() -> None:
        uid = str(uuid.uuid4())
        n = len(mine)

        def done(inc) -> None:
            mine[uid] = {"id": inc.id, "stage": 0, "busy": False, "n": 0}
            out("SAVED", "create", uid)

        gw.create(IncidentCreate(client_uuid=uid, category="roads", priority="medium", lat=51.66, lon=35.65,
                                 address=f"ул. Шторма, {n}", description=f"storm {label}-{n}"),
                  on_done=done, on_error=refused("create", uid))

    def act() -> None:
        ready = [u for u, m in mine.items() if not m["busy"]]
        if not ready or rnd.random() < 0.3:
            create()
            return
        uid = rnd.choice(ready)
        m = mine[uid]
        m["n"] += 1
        text = f"{uid[:8]}-{label}-{m['n']}"
        inc_id = m["id"]  # a local id keeps working after the incident got its server number
        kind = rnd.choice(("comment", "edit", "status"))
        if kind == "comment":
            gw.add_comment(inc_id, f"c-{text}", on_done=lambda _c: out("SAVED", "comment", uid, f"c-{text}"),
                           on_error=refused("comment", uid))
        elif kind == "edit":
            seen = gw.cached(inc_id)
            gw.patch(inc_id, seen.version if seen else 0, {"description": f"d-{text}"},
                     on_done=lambda _i: out("SAVED", "edit", uid, f"d-{text}"), on_error=refused("edit", uid))
        elif m["stage"] < len(STATUSES):
            status = STATUSES[m["stage"]]
            m["busy"] = True
            seen = gw.cached(inc_id)

            def done(_inc, m=m, status=status, note=f"n-{text}") -> None:
                m["stage"] += 1
                m["busy"] = False
                out("SAVED", "status", uid, status, note)

            def failed(exc, m=m) -> None:
                m["busy"] = False
                refused("status", uid)(exc)

            gw.change_status(inc_id, seen.version if seen else None, status, f"n-{text}", on_done=done,
                             on_error=failed)

    if final:
        t0 = time.monotonic()

        def check() -> None:
            settled = gw.online and gw.store.waiting() == 0
            if settled or time.monotonic() - t0 > 600:
                states = Counter(o.state for o in gw.store.ops())
                out("FINAL", json.dumps(dict(states)))
                app.quit()

        timer = QTimer(interval=200, timeout=check)
    else:
        timer = QTimer(interval=8, timeout=act)
    timer.start()
    out("READY")
    app.exec()
    ctx.events.stop()
    gw.shutdown()
    return 0


def run_child(workdir: Path, url: str, label: str, *, kill_after: float | None, seed: int,
              final: bool = False, on_ready=lambda: None) -> list[list[str]]:
    """One desktop process; SIGKILLed kill_after seconds after it is ready. The lines it printed."""
    args = [sys.executable, str(Path(__file__).resolve()), "--child", str(workdir / "desk"), url, label,
            "--seed", str(seed)] + (["--final"] if final else [])
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, cwd=ROOT)
    first = proc.stdout.readline()
    lines = [first.decode().split()]
    if first.strip() == b"READY":
        on_ready()
    if kill_after is not None and first.strip() == b"READY":
        time.sleep(kill_after)
        proc.send_signal(signal.SIGKILL)
    try:
        rest, _ = proc.communicate(timeout=300)
    except subprocess.TimeoutExpired:
        proc.kill()
        rest, _ = proc.communicate()
    return lines + [ln.split() for ln in rest.decode(errors="replace").splitlines()]


# ---------------------------------------------------------------- the storm and its verdict

@dataclass
class Verdict:
    saved: Counter = field(default_factory=Counter)
    missing: Counter = field(default_factory=Counter)
    doubled: Counter = field(default_factory=Counter)
    stuck: int = 0
    conflicts: int = 0
    refused: int = 0
    log_bytes: int = 0
    integrity: str = ""  # PRAGMA integrity_check of the desk's store
    seconds: float = 0.0
    final: str = ""
    problems: list[str] = field(default_factory=list)  # what the conflicting or failed operations were

    @property
    def clean(self) -> bool:
        return not (sum(self.missing.values()) or sum(self.doubled.values()) or self.stuck or self.conflicts
                    or self.refused or self.integrity != "ok")

    def lines(self) -> list[str]:
        ops = sum(self.saved.values())
        return [f"saved: {dict(self.saved)} ({ops} operations)",
                f"missing: {sum(self.missing.values())} {dict(self.missing)}",
                f"doubled: {sum(self.doubled.values())} {dict(self.doubled)}",
                f"stuck: {self.stuck}   conflicts or failures: {self.conflicts}   refused: {self.refused}",
                f"outbox at the end: {self.final}; integrity_check: {self.integrity}",
                f"log: {self.log_bytes:,} bytes ({self.log_bytes / max(ops, 1):.0f} per operation)",
                f"time: {self.seconds:.0f} s"] + [f"problem: {p}" for p in self.problems]


def storm(workdir: Path, *, rounds: int, seed: int = 1, verbose: bool = False) -> Verdict:
    rnd = random.Random(seed)
    t0 = time.monotonic()
    server = Server(workdir)
    lines: list[list[str]] = []
    try:
        server.set("up")  # the first start logs in online (later ones may start offline)
        for r in range(rounds):
            state = "up" if r == 0 else rnd.choice(("up", "up", "down", "frozen"))
            server.set(state)
            later = rnd.choice(("up", "down", "frozen"))
            kill_after = rnd.uniform(0.2, 3.0)
            switch_at = rnd.uniform(0.0, kill_after)
            timer = threading.Timer(switch_at, server.set, (later,))  # mid-round, counted from the desk's start
            got = run_child(workdir, server.url, f"r{r}", kill_after=kill_after, seed=rnd.randrange(1 << 30),
                            on_ready=timer.start)
            if timer.ident is not None:
                timer.join()
            else:  # the desk never got ready: switch anyway
                server.set(later)
            lines += got
            if verbose:
                n = sum(1 for ln in got if ln[:1] == ["SAVED"])
                print(f"round {r}: {state}->{later}, killed at {kill_after:.1f} s, {n} saved", flush=True)
        server.set("up")
        got = run_child(workdir, server.url, "final", kill_after=None, seed=seed, final=True)
        lines += got
        verdict = judge(workdir, server, lines)
    finally:
        server.close()
    verdict.seconds = time.monotonic() - t0
    return verdict


def judge(workdir: Path, server: Server, lines: list[list[str]]) -> Verdict:
    """Every operation reported saved, looked up in the server's database."""
    v = Verdict()
    db = sqlite3.connect(f"file:{server.db}?mode=ro", uri=True)
    incidents = {u: (i, s) for i, u, s in db.execute("SELECT id, client_uuid, status FROM incidents")}
    comments = Counter((i, t) for i, t in db.execute("SELECT incident_id, text FROM incident_comments"))
    history = Counter((i, f, n) for i, f, n in db.execute("SELECT incident_id, field, new FROM incident_history"))
    per_uuid = Counter(u for (u,) in db.execute("SELECT client_uuid FROM incidents"))
    db.close()
    for ln in lines:
        if ln[:1] == ["REFUSED"]:
            v.refused += 1
        if ln[:1] == ["FINAL"]:
            v.final = " ".join(ln[1:])
        if ln[:1] != ["SAVED"]:
            continue
        kind, uid = ln[1], ln[2]
        v.saved[kind] += 1
        inc = incidents.get(uid)
        if inc is None:
            v.missing[kind] += 1
            continue
        inc_id = inc[0]
        if kind == "create":
            n = per_uuid[uid]
        elif kind == "comment":
            n = comments[(inc_id, ln[3])]
        elif kind == "edit":
            n = history[(inc_id, "description", ln[3])]
        else:
            n = min(history[(inc_id, "status", ln[3])], comments[(inc_id, ln[4])])
            if n == 1 and (history[(inc_id, "status", ln[3])] > 1 or comments[(inc_id, ln[4])] > 1):
                n = 2
        if n == 0:
            v.missing[kind] += 1
        elif n > 1:
            v.doubled[kind] += 1
    from app.offline.store import OfflineStore

    for store_file in (workdir / "desk").rglob("store.sqlite3"):
        check = sqlite3.connect(store_file)
        v.integrity = check.execute("PRAGMA integrity_check").fetchone()[0]
        check.close()
        store = OfflineStore(store_file)
        counts = store.counts()
        v.stuck += counts.get("pending", 0) + counts.get("inflight", 0)
        v.conflicts += counts.get("conflict", 0) + counts.get("failed", 0)
        for op in store.ops(("conflict", "failed")):
            server = op.server or {}
            v.problems.append(f"{op.state} {op.kind} seq={op.seq} incident={op.incident_id} payload={op.payload} "
                              f"base={op.base} base_version={op.base_version} attempts={op.attempts} "
                              f"server_version={server.get('version')} "
                              f"server={ {k: server.get(k) for k in op.changes()} } error={op.error}")
        store.close()
    v.log_bytes = sum(f.stat().st_size for f in (workdir / "desk" / "logs").glob("desk.log*"))
    return v


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--child", nargs=3, metavar=("DATA_DIR", "URL", "LABEL"), help=argparse.SUPPRESS)
    parser.add_argument("--final", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--keep", metavar="DIR", help="work (server database, desk store, logs) in DIR and keep it")
    args = parser.parse_args()
    if args.child:
        return child(*args.child, final=args.final, seed=args.seed)
    if args.keep:
        Path(args.keep).mkdir(parents=True, exist_ok=True)
        verdict = storm(Path(args.keep), rounds=args.rounds, seed=args.seed, verbose=True)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            verdict = storm(Path(tmp), rounds=args.rounds, seed=args.seed, verbose=True)
    print(f"\n== offline storm: {args.rounds} rounds, seed {args.seed} ==")
    for line in verdict.lines():
        print("  " + line)
    return 0 if verdict.clean else 1


if __name__ == "__main__":
    sys.exit(main())

"""Producing exports in the background: remux, hash, manifest; progress kept in the row."""

from __future__ import annotations

import json
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from backend.cameras.models import Camera
from backend.db import utcnow
from backend.events.service import publish
from backend.recordings.clip import SegmentFile, remux_clip, sha256_file
from backend.recordings.models import RecordingExport
from backend.recordings.service import segments_in

log = logging.getLogger(__name__)


class ExportRunner:
    """One per app: a small pool so a long export never holds a request thread."""

    def __init__(self, sessions: sessionmaker[Session], media_dir: Path, workers: int = 2,
                 settings=None) -> None:
        self.sessions = sessions
        self.media_dir = media_dir
        self.settings = settings
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="sc-export")
        self._lock = threading.Lock()

    def submit(self, export_id: int):
        return self._pool.submit(self.run, export_id)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _update(self, export_id: int, **values) -> None:
        with self.sessions() as s:
            exp = s.get(RecordingExport, export_id)
            for k, v in values.items():
                setattr(exp, k, v)
            if values.get("status") in ("done", "failed"):
                publish(s, "recording.export_updated", {"id": exp.id, "camera_id": exp.camera_id,
                                                        "status": exp.status, "progress": exp.progress},
                        min_role="supervisor")
            s.commit()

    def run(self, export_id: int) -> None:
        # With several instances, an export is made by one of them: the one holding its lease (the
        # instance that took the request, or the export duty re-making one whose maker died).
        lease = None
        url = self.settings.resolved_database_url if self.settings is not None else ""
        if url.startswith("postgresql"):
            from backend.duties import PgLease

            lease = PgLease(url, f"export:{export_id}", self.settings.instance_name)
            if not lease.try_acquire():
                log.info("export %s is being made by another instance", export_id)
                return
        try:
            with self.sessions() as s:
                exp = s.get(RecordingExport, export_id)
                if exp is None or exp.status in ("done", "failed"):
                    return  # made meanwhile by an instance that held it before us
            self._run(export_id)
        except Exception as exc:  # the operator sees why in the export's status, not a log line
            log.exception("export %s failed", export_id)
            self._update(export_id, status="failed", error=str(exc) or type(exc).__name__, finished_at=utcnow())
        finally:
            if lease is not None:
                lease.release()

    def _run(self, export_id: int) -> None:
        with self.sessions() as s:
            exp = s.get(RecordingExport, export_id)
            cam = s.get(Camera, exp.camera_id)
            segs = [SegmentFile(self.media_dir / g.path, g.start, g.end)
                    for g in segments_in(s, exp.camera_id, exp.start, exp.end)]
            t1, t2, user, reason, created = exp.start, exp.end, exp.username, exp.reason, exp.created_at
            camera = {"id": cam.id, "name": cam.name, "address": cam.address}
        self._update(export_id, status="running")
        out_dir = self.media_dir / "exports"
        out_dir.mkdir(parents=True, exist_ok=True)
        name = f"export-{export_id}-camera{camera['id']}-{t1:%Y%m%dT%H%M%SZ}.mp4"
        out = out_dir / name
        last = [0.0]

        def progress(p: float) -> None:
            now = time.monotonic()
            if now - last[0] > 0.3:
                last[0] = now
                self._update(export_id, progress=round(p * 0.95, 3))

        clip = remux_clip([g for g in segs if g.path.is_file()], t1, t2, out, progress)
        digest = sha256_file(out)
        manifest = {
            "export_id": export_id, "camera": camera,
            "requested": {"start": t1.isoformat(), "end": t2.isoformat()},
            "range": {"start": clip.start.isoformat(), "end": clip.end.isoformat()},
            "frames": clip.frames, "user": user, "reason": reason,
            "requested_at": created.isoformat(), "produced_at": utcnow().isoformat(),
            "file": name, "size": out.stat().st_size, "sha256": digest, "hash_algorithm": "SHA-256",
            "remuxed": True,
        }
        out.with_suffix(".manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2),
                                                     encoding="utf-8")
        self._update(export_id, status="done", progress=1.0, path=str(out.relative_to(self.media_dir)),
                     size=manifest["size"], sha256=digest, manifest=manifest, finished_at=utcnow())


def runner_for(app) -> ExportRunner:
    runner = getattr(app.state, "export_runner", None)
    if runner is None:
        runner = ExportRunner(app.state.sessionmaker, app.state.settings.resolved_media_dir,
                              settings=app.state.settings)
        app.state.export_runner = runner
    return runner


class _ExportService:
    """A duty (one instance): exports left queued or running by a stopped instance are made again;
    one still being made elsewhere is skipped by its own lease (ExportRunner.run)."""

    def __init__(self, app) -> None:
        self.app = app

    def start(self) -> None:
        from sqlalchemy import select

        with self.app.state.sessionmaker() as s:
            stale = list(s.scalars(select(RecordingExport.id).where(RecordingExport.status.in_(("queued", "running")))))
        runner = runner_for(self.app)
        for export_id in stale:
            log.info("export %s was interrupted; making it again", export_id)
            runner.submit(export_id)

    def stop(self) -> None:
        runner = getattr(self.app.state, "export_runner", None)
        if runner is not None:
            runner.shutdown()


def export_service(app) -> _ExportService:
    return _ExportService(app)

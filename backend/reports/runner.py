"""Making reports in the background: every registered domain's sections, then the PDF and the xlsx."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from backend.db import utcnow
from backend.domain import Domain, resolve
from backend.events.service import publish
from backend.reports.fmt import when
from backend.reports.models import Report
from backend.reports.pdf import write_pdf
from backend.reports.service import to_out
from backend.reports.xlsx import write_xlsx
from backend.stats.periods import parse_changes
from backend_client.schemas.reports import Period, ReportSection

log = logging.getLogger(__name__)
KIND_RU = {"shift": "Отчёт за смену", "day": "Отчёт за сутки", "week": "Отчёт за неделю", "custom": "Отчёт за период"}


def period_text(p: Period) -> str:
    return f"{when(p.start)} — {when(p.end)} (МСК)"


def build_sections(session: Session, domains: list[Domain], period: Period, progress=lambda p: None
                   ) -> list[ReportSection]:
    refs = [ref for d in domains for ref in d.report_sections]
    out = []
    for i, ref in enumerate(refs):
        out.append(resolve(ref)(session, period))
        progress((i + 1) / max(1, len(refs)))
    return out


class ReportRunner:
    """One worker: reports are rare, and one at a time keeps the database free for the operators."""

    def __init__(self, sessions: sessionmaker[Session], media_dir: Path, domains: list[Domain]) -> None:
        self.sessions = sessions
        self.media_dir = media_dir
        self.domains = domains
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sc-report")

    def submit(self, report_id: int):
        return self._pool.submit(self.run, report_id)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _update(self, report_id: int, **values) -> None:
        with self.sessions() as s:
            r = s.get(Report, report_id)
            for k, v in values.items():
                setattr(r, k, v)
            publish(s, "report.updated", to_out(r).model_dump(mode="json"), min_role="supervisor")
            s.commit()

    def run(self, report_id: int) -> None:
        try:
            self._run(report_id)
        except Exception as exc:  # the supervisor sees why in the report's state
            log.exception("report %s failed", report_id)
            self._update(report_id, status="failed", error=str(exc) or type(exc).__name__, finished_at=utcnow())

    def _run(self, report_id: int) -> None:
        self._update(report_id, status="running", progress=0.05)
        with self.sessions() as s:
            r = s.get(Report, report_id)
            period = Period(kind=r.kind, start=r.start, end=r.end)
            author = r.author or r.created_by
            last = [0.0]

            def progress(p: float) -> None:
                if p - last[0] >= 0.1:
                    last[0] = p
                    self._update(report_id, progress=round(0.05 + 0.75 * p, 3))

            sections = build_sections(s, self.domains, period, progress)
        out = self.media_dir / "reports"
        out.mkdir(parents=True, exist_ok=True)
        meta = dict(title=KIND_RU.get(period.kind, KIND_RU["custom"]), period_text=period_text(period),
                    author=author, made_at=when(utcnow()), sections=sections)
        pdf, xlsx = out / f"report-{report_id}.pdf", out / f"report-{report_id}.xlsx"
        write_pdf(pdf, **meta)
        self._update(report_id, progress=0.9)
        write_xlsx(xlsx, **meta)
        self._update(report_id, status="done", progress=1.0, finished_at=utcnow(),
                     pdf_path=str(pdf.relative_to(self.media_dir)), pdf_size=pdf.stat().st_size,
                     xlsx_path=str(xlsx.relative_to(self.media_dir)), xlsx_size=xlsx.stat().st_size)


def runner_for(app) -> ReportRunner:
    runner = getattr(app.state, "report_runner", None)
    if runner is None:
        runner = ReportRunner(app.state.sessionmaker, app.state.settings.resolved_media_dir, app.state.domains)
        app.state.report_runner = runner
    return runner


class _ReportService:
    """Lifespan duty: reports left queued or running by a stopped server are made again."""

    def __init__(self, app) -> None:
        self.app = app

    def start(self) -> None:
        # A mistyped SC_REPORT_SHIFT_CHANGES stops the server at start, not the first "shift" report.
        parse_changes(self.app.state.settings.report_shift_changes)
        if self.app.state.settings.serve_worker != 0:  # with several workers, worker 0 does it
            return
        with self.app.state.sessionmaker() as s:
            stale = list(s.scalars(select(Report.id).where(Report.status.in_(("queued", "running")))))
        for report_id in stale:
            log.info("report %s was interrupted; making it again", report_id)
            runner_for(self.app).submit(report_id)

    def stop(self) -> None:
        runner = getattr(self.app.state, "report_runner", None)
        if runner is not None:
            runner.shutdown()


def report_service(app) -> _ReportService:
    return _ReportService(app)

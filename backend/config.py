"""Backend settings: read once from SC_* environment variables, typos are errors."""

from __future__ import annotations

import secrets
from functools import cached_property
from pathlib import Path

import platformdirs
from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

APP_NAME = "situation-center"
AUDIT_MIN_DAYS = 3 * 365  # the audit trail is kept at least this long (README "Retention")


def data_dir() -> Path:
    """The platform's user data directory for the server (created on demand)."""
    path = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "server"
    path.mkdir(parents=True, exist_ok=True)
    return path


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SC_", extra="forbid")

    database_url: str = ""
    media_dir: str = ""
    secret_key: str = ""
    demo: bool = False
    demo_credentials_file: str = ""  # where seed-demo writes the demo users' passwords
    token_ttl_minutes: int = 12 * 60
    # How long a token's user (exists, active, role) may be remembered; 0 reads it every request.
    auth_cache_seconds: float = 5.0
    mqtt_url: str = ""
    open311_api_keys: str = ""  # comma-separated keys that may submit citizen requests
    max_attachment_bytes: int = 10 * 1024 * 1024
    # Services that run inside the server process; off in tests unless a test asks.
    run_ingest: bool = True
    run_recorder: bool = True
    recorder_segment_seconds: float = 60.0
    recorder_quota_mb: int = 0        # per camera; 0 = only retention days apply
    recorder_motion: bool = True
    camera_outage_minutes: float = 5.0  # a recorded camera without signal this long opens an incident; 0 = off
    # Comma-separated modules of domains beyond backend/domains.py (each with a DOMAIN), e.g. plug-ins or
    # the fake domain of tests/backend/test_domain_registry.py.
    extra_domains: str = ""
    # --- transit (backend/transit) ---
    # Comma-separated GTFS-rt VehiclePositions URLs of carriers to pull every transit_pull_seconds.
    transit_feeds: str = ""
    transit_pull_seconds: float = 15.0
    # A smart stop's board silent for longer than this raises "табло не отвечает" (once).
    transit_board_silence_s: float = 120.0
    # --- end transit ---
    # Set by `sc-server --workers N` for each worker (0…N−1); duties that must run once per
    # deployment, such as re-running interrupted exports, run only in worker 0.
    serve_worker: int = 0
    # --- city works (works, cleaning domains) ---
    works_duty: bool = True           # check excavation incidents, expire permits, overdue restorations
    cleaning_duty: bool = True        # fleet GPS over MQTT, coverage, missed-section incidents
    public_checks_per_minute: int = 30  # per client address, /public/works/check and /public/cleaning/schedule
    # --- end city works ---
    # --- signals (traffic signal controllers) ---
    signals_event_retention_days: int = 35   # raw controller events; measures are kept for years
    signals_comm_timeout_s: float = 60.0     # silence after which a controller counts as offline
    # --- end signals ---
    # --- stats and reports: the local times shifts change at ("08:00,20:00"); a "shift" report covers one.
    report_shift_changes: str = "08:00,20:00"
    # --- deployment: several instances, leases, shared ingest, shutdown, retention ---
    instance: str = ""                # this server's name in leases and health; default host:port (sc-server)
    lease_poll_seconds: float = 1.0   # how often an instance tries a free duty / checks one it holds
    mqtt_share_group: str = "sc-ingest"  # MQTT 5 shared subscription group on PostgreSQL; "" = ingest by lease
    shutdown_grace_seconds: float = 5.0  # on SIGTERM: in-flight requests get this long, streams are closed
    retention_interval_seconds: float = 3600.0
    retain_events_days: float = 7.0       # resuming clients need the events they missed; 0 keeps all
    retain_idempotency_days: float = 30.0  # an Idempotency-Key answers the same for 30 days (README)
    retain_readings_days: float = 400.0   # raw telemetry; hourly and daily rollups are kept
    retain_fleet_days: float = 400.0      # machines' GPS fixes (cleaning; coverage per window is kept)
    retain_audit_days: float = 1825.0     # never below AUDIT_MIN_DAYS (README "Retention"); 0 keeps all
    # --- end deployment ---

    @model_validator(mode="after")
    def _refuse_unsafe(self) -> "Settings":
        if not self.secret_key:
            if not self.demo and self.database_url.startswith("postgresql"):
                raise ValueError(
                    "SC_SECRET_KEY must be set for a production (PostgreSQL) server; "
                    "generate one with: python -c 'import secrets; print(secrets.token_urlsafe(48))'"
                )
            # Embedded/demo: a per-installation key kept beside the database.
            self.secret_key = _local_secret()
        elif len(self.secret_key) < 32:
            raise ValueError("SC_SECRET_KEY must be at least 32 characters long")
        if 0 < self.retain_audit_days < AUDIT_MIN_DAYS:
            raise ValueError(f"SC_RETAIN_AUDIT_DAYS must be 0 (keep all) or at least {AUDIT_MIN_DAYS} days")
        if 0 < self.retain_events_days < 1:
            raise ValueError("SC_RETAIN_EVENTS_DAYS must be 0 (keep all) or at least 1 day: clients resume from it")
        return self

    @property
    def instance_name(self) -> str:
        import os
        import socket

        return self.instance or f"{socket.gethostname()}:{os.getpid()}"

    @property
    def extra_domain_modules(self) -> list[str]:
        return [m.strip() for m in self.extra_domains.split(",") if m.strip()]

    @cached_property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{data_dir() / 'situation-center.sqlite3'}"

    @cached_property
    def resolved_media_dir(self) -> Path:
        path = Path(self.media_dir) if self.media_dir else data_dir() / "media"
        path.mkdir(parents=True, exist_ok=True)
        return path


def _local_secret() -> str:
    path = data_dir() / "secret.key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()

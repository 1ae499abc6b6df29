"""What a backend domain brings, declared once in its package's `domain.py` as `DOMAIN = Domain(...)`.

`backend/domains.py` lists the domains' modules; the app, Alembic's model import and
`sc-server seed-demo` read everything else from these declarations.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from backend.config import Settings


class Service(Protocol):
    """A background duty run beside the API (ingest, rules, recorder, ...)."""

    def start(self) -> None: ...

    def stop(self) -> None: ...


@dataclass
class DemoSeed:
    """What a domain's demo seeding step gets; steps run in registry order and leave what exists alone."""

    maker: sessionmaker[Session]
    settings: Settings
    # {username: password} of the demo users made in this run (the auth step fills it).
    created_users: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Prunable:
    """Rows of `table` older than `Settings.<setting>` days (by `column`) are deleted by the retention duty.

    `column` holds a timestamp, or epoch milliseconds when `epoch_ms`; `setting` names a Settings field
    in days, where 0 means "keep for ever"."""

    table: str
    column: str
    setting: str
    epoch_ms: bool = False


# "module:attribute" (imported when used, so listing a domain costs nothing) or the object itself.
Ref = str | Callable[..., Any] | Any


@dataclass(frozen=True)
class Domain:
    name: str
    # APIRouters, included in this order.
    routers: tuple[Ref, ...] = ()
    # Factories: factory(app) returns an object with start()/stop(), or None when settings turn it off.
    services: tuple[Ref, ...] = ()
    # Once-per-deployment services (same factories as `services`): each runs on the one instance
    # holding its lease in the shared database (backend/duties.py), and moves when that one stops.
    duties: tuple[Ref, ...] = ()
    # Tables that grow without bound, pruned by the retention duty (backend/retention.py).
    prunable: tuple["Prunable", ...] = ()
    # Modules whose import puts the domain's tables on backend.db.Base.metadata (for Alembic and tests).
    models: tuple[str, ...] = ()
    # A folder of Alembic revisions outside backend/migrations/versions, for a domain that lives
    # outside this repository's backend (the domain's branch starts at "0001_core" all the same).
    migrations: Path | None = None
    # seed(demo: DemoSeed) -> None: the domain's demo reference data, made through its services.
    seed_demo: Ref | None = None
    # Its `sc-server` subcommands: add(subparsers) makes a parser whose defaults carry
    # run=fn(settings, args) -> exit code.
    commands: tuple[Ref, ...] = ()
    # Its key figures: an APIRouter with prefix /api/v1/stats/<name> (figures computed in SQL). It is
    # included like `routers`; naming it here lets GET /api/v1/stats list it for the wall and benches.
    stats: Ref | None = None
    # Its parts of the shift report: section(session, period: backend_client.schemas.reports.Period)
    # -> ReportSection, in the report in registry order.
    report_sections: tuple[Ref, ...] = ()

    def __post_init__(self) -> None:
        if self.stats is not None and self.stats not in self.routers:
            object.__setattr__(self, "routers", (*self.routers, self.stats))


def resolve(ref: Ref) -> Any:
    if not isinstance(ref, str):
        return ref
    module, _, attr = ref.partition(":")
    return getattr(importlib.import_module(module), attr)

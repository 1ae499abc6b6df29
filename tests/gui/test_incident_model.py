"""The queue's model and proxy without a server: local rows, ordering invariants under live updates."""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta, timezone

from PySide6.QtCore import Qt

from backend_client.schemas.incidents import CATEGORY_NAMES, PRIORITIES, SOURCES, STATUSES, IncidentOut
from widgets.incidents.model import (AGE, COLUMN_COUNT, ID_ROLE, NUMBER, PRIORITY, SLA, IncidentTableModel,
                                     prepare_snapshot)
from widgets.incidents.proxy import IncidentFilter, IncidentProxyModel

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)


def incident(i: int, rnd: random.Random | None = None, **kw) -> IncidentOut:
    rnd = rnd or random.Random(i)
    data = dict(id=i, number=f"И-{i:06d}" if i > 0 else f"Л-{-i}", category=rnd.choice(list(CATEGORY_NAMES)),
                priority=rnd.choice(PRIORITIES), status=rnd.choice(STATUSES), lat=51.66 + rnd.random() / 50,
                lon=35.65 + rnd.random() / 30, address=f"ул. Ленина, {rnd.randint(1, 90)}",
                description="Описание", source=rnd.choice(SOURCES),
                created_at=NOW - timedelta(minutes=rnd.randint(1, 9000)),
                updated_at=NOW, sla_due_at=NOW + timedelta(minutes=rnd.randint(-600, 3000)), overdue=False, version=1)
    data.update(kw)
    return IncidentOut(**data)


def models(qapp):
    m = IncidentTableModel(clock=lambda: NOW.timestamp())
    p = IncidentProxyModel()
    p.setSourceModel(m)
    return m, p


def proxy_ids(p) -> list[int]:
    return [p.index(r, 0).data(ID_ROLE) for r in range(p.rowCount())]


def test_local_incidents_have_negative_ids_and_give_their_row_to_the_synced_one(qapp):
    m, p = models(qapp)
    m.set_incidents([incident(1, status="new", priority="low"), incident(2, status="new", priority="low")])
    cu = uuid.uuid4()
    local = incident(-3, status="new", client_uuid=cu, priority="critical")
    assert m.upsert(local) is True
    assert p.index(0, NUMBER).data() == "Л-3"            # critical first
    # A refresh keeps rows that exist only on this desk.
    m.set_incidents([incident(1, status="new", priority="low"), incident(2, status="new", priority="low")])
    assert m.incident_by_id(-3) is not None and m.rowCount() == 3
    # The server's copy (same client_uuid) takes the local row: no duplicate, no flicker.
    synced = incident(7, status="new", client_uuid=cu, priority="critical")
    assert m.upsert(synced) is False
    assert m.rowCount() == 3 and m.incident_by_id(-3) is None
    assert p.index(0, NUMBER).data() == "И-000007"
    m.remove(7)
    assert m.rowCount() == 2 and p.rowCount() == 2


def test_older_versions_never_overwrite_newer_ones(qapp):
    m, _ = models(qapp)
    m.set_incidents([incident(1, status="acknowledged", version=3)])
    m.upsert(incident(1, status="new", version=2))
    assert m.incident_by_id(1).status == "acknowledged"


def test_order_and_filter_stay_consistent_under_random_live_changes(qapp):
    rnd = random.Random(42)
    m, p = models(qapp)
    m.apply(prepare_snapshot([incident(i, rnd) for i in range(1, 2001)]))
    for step in range(400):
        if step % 50 == 0:
            p.sort(rnd.randrange(COLUMN_COUNT), rnd.choice([Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder]))
            p.set_filter(IncidentFilter(statuses=set(rnd.sample(STATUSES, 3)) if rnd.random() < 0.5 else set(),
                                        priorities=set(rnd.sample(PRIORITIES, 2)) if rnd.random() < 0.5 else set()))
        if rnd.random() < 0.3:
            m.upsert(incident(3000 + step, rnd))
        else:
            old = m.items[rnd.randrange(len(m.items))]
            m.upsert(incident(old.id, rnd, version=old.version + 1))
    # Every accepted row is shown exactly once, in key order.
    keys = m.sort_keys(p.sort_column)
    shown = [m.row_of[i] for i in proxy_ids(p)]
    expected = sorted(p.accepted_rows(), key=keys.__getitem__)
    assert sorted(shown) == sorted(expected)
    ks = [keys[r] for r in shown]
    assert ks == sorted(ks, reverse=p.sort_order == Qt.SortOrder.DescendingOrder)
    for col in range(COLUMN_COUNT):
        full = m.full_order(col)
        k = m.sort_keys(col)
        assert sorted(full) == list(range(len(m.items)))
        assert all(k[full[i]] <= k[full[i + 1]] for i in range(len(full) - 1))


def test_countdown_columns_and_overdue_colour(qapp):
    m, p = models(qapp)
    m.set_incidents([incident(1, status="new", created_at=NOW - timedelta(hours=2, minutes=5),
                              sla_due_at=NOW - timedelta(minutes=15)),
                     incident(2, status="closed", sla_due_at=NOW - timedelta(minutes=15))])
    p.sort(NUMBER)
    assert p.index(0, AGE).data() == "2 h 05 m"
    assert p.index(0, SLA).data() == "−15 m"
    assert p.index(0, SLA).data(Qt.ItemDataRole.ForegroundRole).color().name() == "#e5484d"
    assert p.index(1, SLA).data() == "—"   # the clock stops when the incident is finished
    changed = []
    p.dataChanged.connect(lambda tl, br, roles: changed.append((tl.column(), br.column(), br.row() - tl.row() + 1)))
    m.tick()
    assert changed == [(AGE, SLA, 2)]      # one signal, only the clock columns
    p.set_filter(IncidentFilter(overdue_only=True))
    assert proxy_ids(p) == [1]


def test_priority_rows_are_coloured(qapp):
    m, p = models(qapp)
    m.set_incidents([incident(1, status="new", priority="critical"), incident(2, status="new", priority="low")])
    p.sort(PRIORITY)
    assert p.index(0, PRIORITY).data(Qt.ItemDataRole.ForegroundRole).color().name() == "#e5484d"
    assert p.index(0, NUMBER).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert p.index(1, NUMBER).data(Qt.ItemDataRole.BackgroundRole) is None

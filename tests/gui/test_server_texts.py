"""Texts the server writes are shown in the desktop's language and follow a live switch."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from tests.backend.test_telemetry import add_meter


@pytest.fixture
def russian(qapp):
    """Russian at the start; English again afterwards, as the other tests expect."""
    from app import i18n

    i18n.install(qapp, "ru")
    yield
    i18n.install(qapp, "en")


def _silent_meter(server, minutes: int) -> None:
    from backend.energy.rules import evaluate
    from backend.telemetry.models import Device

    el = add_meter(server.backend, "el-5", resource="electricity")
    now = datetime.now(timezone.utc)
    with server.backend.sessionmaker() as s:
        s.get(Device, el).last_seen_at = now - timedelta(minutes=minutes, seconds=20)
        s.commit()
        evaluate(s, now_ms=int(now.timestamp() * 1000))
        s.commit()


def test_a_silent_meter_alarm_reads_in_russian_then_english_after_a_live_switch(live_server, make_ctx, qtbot,
                                                                                 qapp, russian):
    from PySide6.QtCore import Qt

    from app import i18n
    from widgets.energy.overview import CityOverview

    _silent_meter(live_server, 95)
    ctx = make_ctx(live_server, start_events=False)
    overview = CityOverview(ctx)
    qtbot.addWidget(overview)
    overview.refresh()
    qtbot.waitUntil(lambda: overview.alarm_model.rowCount() == 1, timeout=20_000)
    m = overview.alarm_model
    headers = [m.headerData(c, Qt.Orientation.Horizontal) for c in range(m.columnCount())]
    column = headers.index("Тревога")
    assert m.item(0, column).text() == "Счётчик молчит\nНет показаний 95 мин"

    i18n.install(qapp, "en")
    qtbot.waitUntil(lambda: m.item(0, column).text() == "Meter silent\nNo readings for 95 min", timeout=5_000)
    assert m.headerData(column, Qt.Orientation.Horizontal) == "Alarm"
    assert overview.alarms[0].code == "energy.silent_meter"  # translated from the code, not the English


def test_a_server_error_in_the_status_bar_follows_the_language(live_server, make_ctx, qtbot, qapp, russian):
    from app import i18n
    from app.statusbar import ConnectionStatusBar
    from backend_client.errors import ApiError

    ctx = make_ctx(live_server, start_events=False)
    bar = ConnectionStatusBar(ctx)
    qtbot.addWidget(bar)
    with pytest.raises(ApiError) as caught:
        ctx.api.request("GET", "/api/v1/transit/stops")  # no GTFS feed imported on this server
    ctx.errors.report("transit", caught.value)
    assert bar.message_label.text().startswith("Расписание GTFS ещё не импортировано")

    i18n.install(qapp, "en")
    qtbot.waitUntil(lambda: bar.message_label.text().startswith("No GTFS feed has been imported yet"),
                    timeout=5_000)


def test_an_unknown_code_shows_the_servers_english_text(qapp, russian):
    from widgets.common.server_texts import error_text, server_text

    assert server_text("energy.silent_meter", {"minutes": 7}, "No readings for 7 min") == "Нет показаний 7 мин"
    assert server_text("energy.from_a_newer_server", {"x": 1}, "Something new") == "Something new"
    assert server_text("", {}, "An old alarm") == "An old alarm"
    # A known code whose values do not fit (a newer server renamed one) is not half-translated.
    assert server_text("energy.silent_meter", {"mins": 7}, "No readings for 7 min") == "No readings for 7 min"
    assert error_text("conflict", {"id": 3}, "Already taken") == "Already taken"
    assert server_text("energy.over_baseline", {"ratio": 2.6, "hours": 4}, "") == "2,6× от ожидаемого потребления за 4 ч"


def test_a_missing_thing_is_named_in_russian_by_the_errors_details(live_server, make_ctx, qapp, russian):
    from app.errors import describe
    from backend_client.errors import ApiError

    ctx = make_ctx(live_server, start_events=False)
    with pytest.raises(ApiError) as caught:
        ctx.api.request("GET", "/api/v1/incidents/987654")
    assert caught.value.details == {"what": "Incident", "id": 987654}
    assert describe(caught.value) == "Инцидент 987654 не существует"
    # A thing this client has no word for keeps the server's English sentence.
    odd = ApiError(404, "not_found", "Gizmo 3 does not exist", {"what": "Gizmo", "id": 3})
    assert describe(odd) == "Gizmo 3 does not exist"


def test_a_signal_fault_detail_reads_in_russian_in_city_time(qapp, russian):
    from widgets.common.server_texts import server_text

    assert server_text("signals.comm_lost", {"since": "2026-12-05T04:10:00+00:00"},
                       "No events since 2026-12-05 04:10:00 UTC") == "Нет событий с 05.12 07:10:00"
    assert server_text("signals.max_outs", {"phase": 2, "percent": 85, "minutes": 30}, "") == \
        "Фаза 2 доходила до максимума в 85% циклов в течение 30 мин"

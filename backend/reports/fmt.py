"""How the report writes times, durations and shares: in Russian, in the city's time."""

from __future__ import annotations

from datetime import datetime

from backend.stats.periods import local

CITY_NAME = "Курчатов"
PRIORITY_RU = {"critical": "критический", "high": "высокий", "medium": "средний", "low": "низкий"}
STATUS_RU = {"new": "новый", "acknowledged": "принят", "in_progress": "в работе", "resolved": "решён",
             "closed": "закрыт", "rejected": "отклонён", "duplicate": "дубликат"}
CATEGORY_RU = {"street_lighting": "Уличное освещение", "roads": "Дороги и тротуары", "waste": "Мусор и уборка",
               "utilities": "Тепло, вода, канализация", "public_transport": "Общественный транспорт",
               "excavation": "Земляные работы", "traffic_lights": "Светофоры и перекрёстки",
               "public_order": "Общественный порядок", "landscaping": "Благоустройство", "other": "Прочее"}
SEVERITY_RU = {"critical": "критическая", "major": "высокая", "minor": "средняя", "warning": "предупреждение"}


def when(t: datetime) -> str:
    return local(t).strftime("%d.%m.%Y %H:%M")


def duration(minutes: float | None) -> str:
    if minutes is None:
        return "—"
    m = int(round(minutes))
    if m < 60:
        return f"{m} мин"
    h, m = divmod(m, 60)
    if h < 48:
        return f"{h} ч {m:02d} мин"
    d, h = divmod(h, 24)
    return f"{d} д {h} ч"


def share(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.1f} %".replace(".", ",")

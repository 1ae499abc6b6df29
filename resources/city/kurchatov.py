"""The Kurchatov demo city: addresses, city services and what citizens write about, per category.

Demo data both sides read: the backend's demo seeding (services, past incidents) and the
simulated city (`citysim`, live complaints). Plain Python and CSV; imports nothing of ours."""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ADDRESSES_CSV = Path(__file__).with_name("addresses.csv")
CENTER = (51.66, 35.65)


@dataclass(frozen=True)
class Address:
    street: str
    house: int
    address: str
    lat: float
    lon: float


@cache
def addresses() -> tuple[Address, ...]:
    with ADDRESSES_CSV.open(encoding="utf-8", newline="") as fh:
        return tuple(Address(r["street"], int(r["house"]), r["address"], float(r["lat"]), float(r["lon"]))
                     for r in csv.DictReader(fh))


# (code, name, phone, categories it handles)
CITY_SERVICES: list[tuple[str, str, str, list[str]]] = [
    ("blagoustroystvo", "МКУ «Благоустройство»", "+7 (47131) 4-25-10", ["landscaping", "waste", "roads", "other"]),
    ("gorelektroset", "МУП «Горэлектросеть»", "+7 (47131) 4-13-05", ["street_lighting", "traffic_lights"]),
    ("vodokanal", "МУП «Водоканал»", "+7 (47131) 4-41-22", ["utilities"]),
    ("teploset", "МУП «Теплосеть»", "+7 (47131) 4-31-70", ["utilities"]),
    ("zhkh", "Управление ЖКХ администрации", "+7 (47131) 4-20-60", ["utilities", "waste", "other"]),
    ("dorservice", "МКУ «Дорожная служба»", "+7 (47131) 4-18-44", ["roads", "excavation"]),
    ("gibdd", "ОГИБДД МО МВД «Курчатовский»", "+7 (47131) 4-02-02", ["traffic_lights", "roads"]),
    ("police", "МО МВД России «Курчатовский»", "+7 (47131) 4-10-02", ["public_order"]),
    ("transport", "МУП «Курчатовское ПАТП»", "+7 (47131) 4-22-33", ["public_transport"]),
    ("edds", "ЕДДС г. Курчатова", "112", ["other", "public_order"]),
]

# What people report, per category; {street} is filled with the street name.
COMPLAINTS: dict[str, list[str]] = {
    "street_lighting": [
        "Не горят фонари на {street}, вечером совсем темно, страшно идти с детьми.",
        "Третий день не работает уличное освещение у дома, светильник мигает всю ночь.",
        "На {street} днём горят фонари, а вечером выключаются.",
        "Оборван провод на опоре освещения, висит низко над тротуаром.",
        "Не горит фонарь у пешеходного перехода, водители не видят людей.",
        "Наклонилась опора освещения после ветра, может упасть на дорогу.",
    ],
    "roads": [
        "Глубокая яма на проезжей части {street}, машины объезжают по встречке.",
        "Разрушен тротуар, плитка вздыбилась, пожилые люди спотыкаются.",
        "После дождя на {street} огромная лужа на переходе, не пройти.",
        "Открыт канализационный люк на дороге, нет крышки. Опасно!",
        "Гололёд на тротуаре, не посыпано, люди падают.",
        "Не убран снег во дворе, машина скорой помощи не может проехать.",
        "Провалился асфальт у въезда во двор.",
    ],
    "waste": [
        "Контейнерная площадка переполнена, мусор не вывозят уже неделю.",
        "На {street} свалка строительного мусора у гаражей.",
        "Не вывезли крупногабаритный мусор, диван стоит возле контейнеров.",
        "Мусор разносит ветром по двору, контейнеры без крышек.",
        "Во дворе горит мусорный контейнер, дым идёт в окна.",
        "Бродячие собаки растаскивают мусор из баков.",
    ],
    "utilities": [
        "Нет горячей воды в доме со вчерашнего дня, никто ничего не объясняет.",
        "Прорыв трубы, вода бежит по {street}, образовалась наледь.",
        "В квартире холодные батареи, температура 16 градусов.",
        "Из канализационного колодца течёт вода во двор, сильный запах.",
        "Низкое давление холодной воды, на пятом этаже вода не идёт.",
        "Парит из-под земли у теплотрассы, пар над тротуаром.",
        "Ржавая вода из крана уже третий день.",
    ],
    "public_transport": [
        "Автобус №1 не пришёл по расписанию на остановку на {street}, ждём 40 минут.",
        "Сломана скамейка и разбито стекло на остановке.",
        "Табло на остановке показывает неверное время прибытия.",
        "Водитель маршрутки не останавливается по требованию.",
        "В автобусе не работает валидатор, не принимают карту.",
    ],
    "excavation": [
        "Раскопали тротуар на {street} и бросили, нет ограждения.",
        "После ремонта трубы не восстановили асфальт, уже месяц яма.",
        "Ведутся земляные работы ночью, шумно, кто разрешил?",
        "Траншея поперёк дороги без освещения и знаков.",
        "Грунт от раскопок вынесли на проезжую часть, грязь.",
    ],
    "traffic_lights": [
        "Не работает светофор на перекрёстке {street}, пробка и опасно.",
        "Светофор мигает жёлтым весь день.",
        "Неправильно работает пешеходный светофор, зелёный горит 5 секунд.",
        "Погнут дорожный знак «Пешеходный переход».",
        "Стёрлась разметка на пешеходном переходе у школы.",
    ],
    "public_order": [
        "Шумная компания во дворе каждую ночь, после 23:00 спать невозможно.",
        "Подозрительный автомобиль стоит на газоне уже неделю, без номеров.",
        "Разрисовали стены подъезда, повредили почтовые ящики.",
        "Собака без намордника бросается на прохожих у дома.",
        "Парковка на тротуаре, невозможно пройти с коляской.",
    ],
    "landscaping": [
        "Упало дерево на детскую площадку на {street}.",
        "Аварийное дерево нависает над проводами, просим спилить.",
        "Сломаны качели на детской площадке, торчат болты.",
        "Не покошена трава во дворе, высота уже по колено.",
        "Сломана скамейка в сквере, нужен ремонт.",
        "Борщевик разросся вдоль тротуара.",
    ],
    "other": [
        "Бродячие собаки у школы, дети боятся ходить.",
        "Не работает лифт в подъезде, в доме живут инвалиды.",
        "Протекает крыша подъезда, вода на лестнице.",
        "Прошу установить лежачего полицейского возле детского сада.",
        "Сосульки свисают с крыши над входом в магазин.",
    ],
}

# How often each category is reported (weights) and its usual priorities.
CATEGORY_WEIGHTS: dict[str, float] = {
    "street_lighting": 14, "roads": 18, "waste": 14, "utilities": 16, "public_transport": 6,
    "excavation": 5, "traffic_lights": 6, "public_order": 7, "landscaping": 9, "other": 5,
}
PRIORITY_WEIGHTS: dict[str, float] = {"critical": 4, "high": 18, "medium": 50, "low": 28}


def complaint(rng: random.Random) -> dict:
    """A plausible citizen complaint: category, priority, place and text (an IncidentCreate body)."""
    category = rng.choices(list(CATEGORY_WEIGHTS), weights=list(CATEGORY_WEIGHTS.values()))[0]
    priority = rng.choices(list(PRIORITY_WEIGHTS), weights=list(PRIORITY_WEIGHTS.values()))[0]
    place = rng.choice(addresses())
    text = rng.choice(COMPLAINTS[category]).format(street=place.street)
    return {"category": category, "priority": priority, "lat": place.lat, "lon": place.lon,
            "address": f"Курчатов, {place.address}", "description": text}


def services_for(category: str) -> list[str]:
    return [code for code, _, _, cats in CITY_SERVICES if category in cats]

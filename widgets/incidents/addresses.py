"""Qt-free address lookup over the city's house list (resources/city/addresses.csv).

An operator types the way people speak: "молодежная 1", "ул Молодёжная, 12", "улица
гайдара 3". Matching ignores case, ё/е, punctuation and the street kind ("ул.", "улица",
"пр-т", "переулок" ...); every word must start a word of the street, a number starts the
house number. The index is built once (``AddressIndex.default()``), a query is a scan of a
few hundred prepared tuples.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from resources.city import kurchatov

# Street kinds, full and abbreviated: an operator may type any of them or none.
KINDS = frozenset({"ул", "улица", "пр", "пр-т", "прт", "просп", "проспект", "пер", "переулок", "проезд", "пр-д",
                   "пл", "площадь", "бульвар", "б-р", "бул", "шоссе", "ш", "д", "дом"})
_WORD = re.compile(r"[0-9]+[а-я]?|[а-яa-z][а-яa-z-]*")
LIMIT = 12


@dataclass(frozen=True)
class House:
    address: str
    lat: float
    lon: float


def words(text: str) -> list[str]:
    """Lower-case words with ё as е and street kinds dropped."""
    text = text.lower().replace("ё", "е")
    return [w.strip("-") for w in _WORD.findall(text) if w.strip("-") and w.strip("-") not in KINDS]


class AddressIndex:
    def __init__(self, houses: list[tuple[str, str, float, float, str]]) -> None:
        """``houses``: (street, house number, lat, lon, address as shown)."""
        self._rows = []
        for street, number, lat, lon, address in houses:
            self._rows.append((tuple(words(street)), number.lower(), House(address, lat, lon)))
        # Shown in street order, then by house number as a number.
        self._rows.sort(key=lambda r: (r[0], int(re.match(r"\d*", r[1]).group() or 0), r[1]))
        self._by_address = {r[2].address: r[2] for r in self._rows}

    @classmethod
    @cache
    def default(cls) -> AddressIndex:
        return cls([(a.street, str(a.house), a.lat, a.lon, a.address) for a in kurchatov.addresses()])

    def __len__(self) -> int:
        return len(self._rows)

    def house(self, address: str) -> House | None:
        """The house shown exactly as ``address`` (a suggestion the operator picked)."""
        return self._by_address.get(address)

    def match(self, text: str, limit: int = LIMIT) -> list[House]:
        """Houses whose street starts with every typed word and whose number starts with the typed one."""
        typed = words(text)
        names = [w for w in typed if not w[0].isdigit()]
        numbers = [w for w in typed if w[0].isdigit()]
        if not names or len(numbers) > 1:
            return []
        number = numbers[0] if numbers else ""
        exact, rest = [], []
        for street, house, found in self._rows:
            if not all(any(s.startswith(n) for s in street) for n in names):
                continue
            if number and not house.startswith(number):
                continue
            (exact if house == number else rest).append(found)
        return (exact + rest)[:limit]

"""A pyqtgraph time axis in the city's time zone, with day and month names in the language shown.

pyqtgraph formats with strftime, whose names come from the C locale ("Sat 05", "Dec" in a
Russian window); these come from QLocale(), which app.i18n sets to the chosen language.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
import pyqtgraph as pg
from pyqtgraph.graphicsItems import DateAxisItem as _date
from PySide6.QtCore import QLocale

CITY_UTC_OFFSET_S = 3 * 3600  # Kurchatov keeps Moscow time: axes show city time on any desk
_SHORT = QLocale.FormatType.ShortFormat


class CityDateAxis(pg.DateAxisItem):
    """Ticks no finer than minutes by default: sub-second labels ("59.750") mean nothing on a
    chart of 15-minute buckets or of a day's buses."""

    def __init__(self, orientation: str = "bottom", *, seconds: bool = False, **kwargs) -> None:
        # pyqtgraph takes the offset with time.timezone's sign (west positive).
        super().__init__(orientation, utcOffset=-CITY_UTC_OFFSET_S, **kwargs)
        levels = [(np.inf, _date.YEAR_MONTH_ZOOM_LEVEL), (5 * 86400, _date.MONTH_DAY_ZOOM_LEVEL),
                  (6 * 3600, _date.DAY_HOUR_ZOOM_LEVEL), (15 * 60, _date.HOUR_MINUTE_ZOOM_LEVEL)]
        if seconds:
            levels.append((30, _date.HMS_ZOOM_LEVEL))
        self.zoomLevels = OrderedDict(levels)

    def tickStrings(self, values, scale, spacing):
        spec = next((s for s in self.zoomLevel.tickSpecs if s.spacing == spacing), None)
        if spec is None:
            return super().tickStrings(values, scale, spacing)
        locale = QLocale()
        out = []
        for v in values:
            try:
                when = _date.utcfromtimestamp(_date.adjustTimestampToPreferredUtcOffset(v, self.utcOffset))
            except (OverflowError, ValueError, OSError):
                out.append("")
                continue
            fmt = spec.format
            if "%a" in fmt:
                fmt = fmt.replace("%a", locale.dayName(when.isoweekday(), _SHORT).replace("%", "%%"))
            if "%b" in fmt:
                fmt = fmt.replace("%b", locale.standaloneMonthName(when.month, _SHORT).replace("%", "%%"))
            out.append(when.strftime(fmt).lstrip("0") if fmt == "%Y" else when.strftime(fmt))
        return out

    def relabel(self) -> None:
        """Draw the labels again (the language changed)."""
        self.picture = None
        self.update()



class LocaleNumberAxis(pg.AxisItem):
    """A value axis with the language's decimal separator ("2,5" in a Russian window)."""

    def tickStrings(self, values, scale, spacing):
        point = QLocale().decimalPoint()
        return [s.replace(".", point) for s in super().tickStrings(values, scale, spacing)]

    def relabel(self) -> None:
        self.picture = None
        self.update()

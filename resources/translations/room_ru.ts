<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru">
<context>
    <name>Actions</name>
    <message>
        <source>Situation overview</source>
        <translation>Обстановка в городе</translation>
    </message>
    <message>
        <source>Shift report…</source>
        <translation>Отчёт за смену…</translation>
    </message>
</context>
<context>
    <name>Panels</name>
    <message>
        <source>City at a glance</source>
        <translation>Город одним взглядом</translation>
    </message>
</context>
<context>
    <name>ReportsModel</name>
    <message>
        <source>Made</source>
        <translation>Создан</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>Период</translation>
    </message>
    <message>
        <source>By</source>
        <translation>Автор</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Состояние</translation>
    </message>
    <message>
        <source>queued</source>
        <translation>в очереди</translation>
    </message>
    <message>
        <source>being made</source>
        <translation>формируется</translation>
    </message>
    <message>
        <source>ready</source>
        <translation>готов</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>ошибка</translation>
    </message>
</context>
<context>
    <name>RoomPanel</name>
    <message>
        <source>&amp;Report</source>
        <translation>&amp;Отчёты</translation>
    </message>
</context>
<context>
    <name>ShiftReportDialog</name>
    <message>
        <source>Shift report</source>
        <translation>Отчёт за смену</translation>
    </message>
    <message>
        <source>Current shift</source>
        <translation>Текущая смена</translation>
    </message>
    <message>
        <source>Previous shift</source>
        <translation>Предыдущая смена</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>Сегодня</translation>
    </message>
    <message>
        <source>This week</source>
        <translation>Эта неделя</translation>
    </message>
    <message>
        <source>Other period</source>
        <translation>Другой период</translation>
    </message>
    <message>
        <source>Make report</source>
        <translation>Сформировать</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>Период</translation>
    </message>
    <message>
        <source>From (city time)</source>
        <translation>С (время города)</translation>
    </message>
    <message>
        <source>To (city time)</source>
        <translation>По (время города)</translation>
    </message>
    <message>
        <source>Open PDF</source>
        <translation>Открыть PDF</translation>
    </message>
    <message>
        <source>Save spreadsheet…</source>
        <translation>Сохранить таблицу…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Закрыть</translation>
    </message>
    <message>
        <source>Earlier reports</source>
        <translation>Сформированные ранее</translation>
    </message>
    <message>
        <source>The end must be after the start</source>
        <translation>Конец периода должен быть позже начала</translation>
    </message>
    <message>
        <source>Asking the server…</source>
        <translation>Запрос на сервер…</translation>
    </message>
    <message>
        <source>Being made…</source>
        <translation>Формируется…</translation>
    </message>
    <message>
        <source>Ready; opening the PDF…</source>
        <translation>Готово; открываю PDF…</translation>
    </message>
    <message>
        <source>The report failed: {0}</source>
        <translation>Отчёт не сформирован: {0}</translation>
    </message>
    <message>
        <source>Saved to {0}</source>
        <translation>Сохранено: {0}</translation>
    </message>
    <message>
        <source>Save spreadsheet</source>
        <translation>Сохранить таблицу</translation>
    </message>
    <message>
        <source>Shift reports</source>
        <translation>Отчёты за смену</translation>
    </message>
</context>
<context>
    <name>Tiles</name>
    <message>
        <source>{0} min</source>
        <translation>{0} мин</translation>
    </message>
    <message>
        <source>{0} h {1:02d} min</source>
        <translation>{0} ч {1:02d} мин</translation>
    </message>
    <message>
        <source>none</source>
        <translation>нет</translation>
    </message>
    <message>
        <source>and {0} more</source>
        <translation>и ещё {0}</translation>
    </message>
    <message>
        <source>Street lighting</source>
        <translation>Освещение</translation>
    </message>
    <message>
        <source>Roads</source>
        <translation>Дороги</translation>
    </message>
    <message>
        <source>Waste</source>
        <translation>Мусор</translation>
    </message>
    <message>
        <source>Heat and water</source>
        <translation>Тепло и вода</translation>
    </message>
    <message>
        <source>Transport</source>
        <translation>Транспорт</translation>
    </message>
    <message>
        <source>Excavation</source>
        <translation>Раскопки</translation>
    </message>
    <message>
        <source>Traffic lights</source>
        <translation>Светофоры</translation>
    </message>
    <message>
        <source>Public order</source>
        <translation>Порядок</translation>
    </message>
    <message>
        <source>Landscaping</source>
        <translation>Благоустройство</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>Прочее</translation>
    </message>
    <message>
        <source>Critical</source>
        <translation>Критические</translation>
    </message>
    <message>
        <source>High</source>
        <translation>Высокие</translation>
    </message>
    <message>
        <source>Medium</source>
        <translation>Средние</translation>
    </message>
    <message>
        <source>Low</source>
        <translation>Низкие</translation>
    </message>
    <message>
        <source>Open incidents</source>
        <translation>Открытые происшествия</translation>
    </message>
    <message>
        <source>{opened_today} new today · {resolved_today} resolved</source>
        <translation>сегодня новых {opened_today} · решено {resolved_today}</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>Просрочено</translation>
    </message>
    <message>
        <source>SLA kept today</source>
        <translation>Сроки соблюдены сегодня</translation>
    </message>
    <message>
        <source>last week</source>
        <translation>прошлая неделя</translation>
    </message>
    <message>
        <source>SLA kept this week</source>
        <translation>Сроки соблюдены за неделю</translation>
    </message>
    <message>
        <source>Critical, last hours</source>
        <translation>Критические за последние часы</translation>
    </message>
    <message>
        <source>Open by category</source>
        <translation>Открытые по категориям</translation>
    </message>
    <message>
        <source>Open by priority</source>
        <translation>Открытые по приоритету</translation>
    </message>
    <message>
        <source>New per hour, 24 h</source>
        <translation>Новые по часам, 24 ч</translation>
    </message>
    <message>
        <source>Median time to resolve</source>
        <translation>Медиана времени решения</translation>
    </message>
    <message>
        <source>h</source>
        <translation>ч</translation>
    </message>
    <message>
        <source>this week</source>
        <translation>эта неделя</translation>
    </message>
    <message>
        <source>Electricity today</source>
        <translation>Электроэнергия сегодня</translation>
    </message>
    <message>
        <source>kWh</source>
        <translation>кВт·ч</translation>
    </message>
    <message>
        <source>expected</source>
        <translation>ожидалось</translation>
    </message>
    <message>
        <source>Heat today</source>
        <translation>Тепло сегодня</translation>
    </message>
    <message>
        <source>Gcal</source>
        <translation>Гкал</translation>
    </message>
    <message>
        <source>Water today</source>
        <translation>Вода сегодня</translation>
    </message>
    <message>
        <source>m³</source>
        <translation>м³</translation>
    </message>
    <message>
        <source>Buildings in alarm</source>
        <translation>Здания с тревогами</translation>
    </message>
</context>
<context>
    <name>WallScreen</name>
    <message>
        <source>Situation overview — Smart Kurchatov</source>
        <translation>Обстановка в городе — Умный Курчатов</translation>
    </message>
    <message>
        <source>Situation Center · Kurchatov</source>
        <translation>Ситуационный центр · Курчатов</translation>
    </message>
    <message>
        <source>Situation overview</source>
        <translation>Обстановка в городе</translation>
    </message>
    <message>
        <source>No map</source>
        <translation>Карта недоступна</translation>
    </message>
    <message>
        <source>page {0} of {1}</source>
        <translation>стр. {0} из {1}</translation>
    </message>
    <message>
        <source>No connection since {0}</source>
        <translation>Нет связи с {0}</translation>
    </message>
</context>
</TS>

<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru">
<context>
    <name>CityOverview</name>
    <message>
        <source>Building</source>
        <translation>Здание</translation>
    </message>
    <message>
        <source>Resource</source>
        <translation>Ресурс</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>Сегодня</translation>
    </message>
    <message>
        <source>Expected</source>
        <translation>Ожидаемое</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>Важность</translation>
    </message>
    <message>
        <source>Alarm</source>
        <translation>Тревога</translation>
    </message>
    <message>
        <source>Since</source>
        <translation>Начало</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Состояние</translation>
    </message>
    <message>
        <source>Acknowledged: {0}</source>
        <translation>Квитировано: {0}</translation>
    </message>
    <message>
        <source>Acknowledge</source>
        <translation>Квитировать</translation>
    </message>
    <message>
        <source>Top consumers today</source>
        <translation>Крупнейшие потребители сегодня</translation>
    </message>
    <message>
        <source>Active alarms</source>
        <translation>Активные тревоги</translation>
    </message>
    <message>
        <source>Energy overview</source>
        <translation>Обзор энергопотребления</translation>
    </message>
    <message>
        <source>expected %1 (%2%)</source>
        <translation>ожидалось %1 (%2%)</translation>
    </message>
</context>
<context>
    <name>EnergyPanel</name>
    <message>
        <source>Buildings and meters</source>
        <translation>Здания и счётчики</translation>
    </message>
    <message>
        <source>Consumption</source>
        <translation>Потребление</translation>
    </message>
    <message>
        <source>Expected</source>
        <translation>Ожидаемое</translation>
    </message>
    <message>
        <source>Previous period</source>
        <translation>Предыдущий период</translation>
    </message>
    <message>
        <source>Choose a meter on the left</source>
        <translation>Выберите счётчик слева</translation>
    </message>
    <message>
        <source>Earlier</source>
        <translation>Раньше</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>День</translation>
    </message>
    <message>
        <source>Week</source>
        <translation>Неделя</translation>
    </message>
    <message>
        <source>Month</source>
        <translation>Месяц</translation>
    </message>
    <message>
        <source>Year</source>
        <translation>Год</translation>
    </message>
    <message>
        <source>Later</source>
        <translation>Позже</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>Экспорт в CSV…</translation>
    </message>
    <message>
        <source>City overview</source>
        <translation>Обзор города</translation>
    </message>
    <message>
        <source>Chart</source>
        <translation>График</translation>
    </message>
    <message>
        <source>Export CSV</source>
        <translation>Экспорт в CSV</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>Файлы CSV (*.csv)</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>Сохранено: %1</translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message>
        <source>Electricity</source>
        <translation>Электроэнергия</translation>
    </message>
    <message>
        <source>Heat</source>
        <translation>Тепло</translation>
    </message>
    <message>
        <source>Water</source>
        <translation>Вода</translation>
    </message>
    <message>
        <source>kWh</source>
        <translation>кВт·ч</translation>
    </message>
    <message>
        <source>Gcal</source>
        <translation>Гкал</translation>
    </message>
    <message>
        <source>m³</source>
        <translation>м³</translation>
    </message>
    <message>
        <source>Critical</source>
        <translation>Критическая</translation>
    </message>
    <message>
        <source>Major</source>
        <translation>Серьёзная</translation>
    </message>
    <message>
        <source>Minor</source>
        <translation>Незначительная</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>Предупреждение</translation>
    </message>
    <message>
        <source>Active, not acknowledged</source>
        <translation>Активна, не квитирована</translation>
    </message>
    <message>
        <source>Acknowledged</source>
        <translation>Квитирована</translation>
    </message>
    <message>
        <source>Cleared</source>
        <translation>Снята</translation>
    </message>
    <message>
        <source>Above the expected band</source>
        <translation>Выше ожидаемого коридора</translation>
    </message>
    <message>
        <source>Use in a closed building</source>
        <translation>Потребление в закрытом здании</translation>
    </message>
    <message>
        <source>Continuous water flow</source>
        <translation>Непрерывный расход воды</translation>
    </message>
    <message>
        <source>Meter silent</source>
        <translation>Счётчик молчит</translation>
    </message>
    <message>
        <source>Schools</source>
        <translation>Школы</translation>
    </message>
    <message>
        <source>Kindergartens</source>
        <translation>Детские сады</translation>
    </message>
    <message>
        <source>Clinics</source>
        <translation>Медицинские учреждения</translation>
    </message>
    <message>
        <source>Offices</source>
        <translation>Учреждения</translation>
    </message>
    <message>
        <source>Sports</source>
        <translation>Спортивные объекты</translation>
    </message>
    <message>
        <source>per %1 min</source>
        <translation>за %1 мин</translation>
    </message>
    <message>
        <source>per %1 h</source>
        <translation>за %1 ч</translation>
    </message>
    <message>
        <source>per %1 d</source>
        <translation>за %1 сут</translation>
    </message>
</context>
<context>
    <name>Layers</name>
    <message>
        <source>Energy sites</source>
        <translation>Энергообъекты</translation>
    </message>
</context>
<context>
    <name>Panels</name>
    <message>
        <source>Energy</source>
        <translation>Энергоресурсы</translation>
    </message>
</context>
</TS>

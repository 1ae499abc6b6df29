<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru">
<context>
    <name>AlertForm</name>
    <message>
        <source>New service alert</source>
        <translation>Новое объявление для пассажиров</translation>
    </message>
    <message>
        <source>(no route: stops only)</source>
        <translation>(без маршрута: только остановки)</translation>
    </message>
    <message>
        <source>stop ids, comma-separated, e.g. KUR013, KUR020</source>
        <translation>коды остановок через запятую, например KUR013, KUR020</translation>
    </message>
    <message>
        <source>until ended</source>
        <translation>до отмены</translation>
    </message>
    <message>
        <source> h</source>
        <translation> ч</translation>
    </message>
    <message>
        <source>Route</source>
        <translation>Маршрут</translation>
    </message>
    <message>
        <source>Stops</source>
        <translation>Остановки</translation>
    </message>
    <message>
        <source>Lasts</source>
        <translation>Действует</translation>
    </message>
    <message>
        <source>Headline (Russian)</source>
        <translation>Заголовок (по-русски)</translation>
    </message>
    <message>
        <source>Headline (English)</source>
        <translation>Заголовок (по-английски)</translation>
    </message>
    <message>
        <source>Details (Russian)</source>
        <translation>Подробности (по-русски)</translation>
    </message>
    <message>
        <source>Details (English)</source>
        <translation>Подробности (по-английски)</translation>
    </message>
    <message>
        <source>Publish</source>
        <translation>Опубликовать</translation>
    </message>
</context>
<context>
    <name>AlertsTab</name>
    <message>
        <source>New alert…</source>
        <translation>Новое объявление…</translation>
    </message>
    <message>
        <source>End alert</source>
        <translation>Завершить объявление</translation>
    </message>
    <message>
        <source>Service alert</source>
        <translation>Объявление для пассажиров</translation>
    </message>
</context>
<context>
    <name>BoardWindow</name>
    <message>
        <source>Stop board — {0}</source>
        <translation>Табло остановки — {0}</translation>
    </message>
</context>
<context>
    <name>Layers</name>
    <message>
        <source>Bus route</source>
        <translation>Маршрут автобуса</translation>
    </message>
    <message>
        <source>Bus stops</source>
        <translation>Остановки</translation>
    </message>
    <message>
        <source>Buses</source>
        <translation>Автобусы</translation>
    </message>
</context>
<context>
    <name>Panels</name>
    <message>
        <source>Transport</source>
        <translation>Транспорт</translation>
    </message>
</context>
<context>
    <name>Tiles</name>
    <message>
        <source>Buses on time</source>
        <translation>Автобусы по расписанию</translation>
    </message>
    <message>
        <source>Boards down</source>
        <translation>Табло не отвечают</translation>
    </message>
</context>
<context>
    <name>TransitModels</name>
    <message>
        <source>left %n min ago</source>
        <translation>ушёл %n мин назад</translation>
    </message>
    <message>
        <source>%1 sched.</source>
        <translation>%1 по расп.</translation>
    </message>
    <message>
        <source>arriving</source>
        <translation>прибывает</translation>
    </message>
    <message>
        <source>%n min</source>
        <translation>%n мин</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Остановка</translation>
    </message>
    <message>
        <source>Next arrivals</source>
        <translation>Ближайшие прибытия</translation>
    </message>
    <message>
        <source>Board</source>
        <translation>Табло</translation>
    </message>
    <message>
        <source>no buses soon</source>
        <translation>в ближайшее время нет</translation>
    </message>
    <message>
        <source>never seen</source>
        <translation>ещё не выходило на связь</translation>
    </message>
    <message>
        <source>not responding</source>
        <translation>не отвечает</translation>
    </message>
    <message>
        <source>online</source>
        <translation>на связи</translation>
    </message>
    <message>
        <source>Route</source>
        <translation>Маршрут</translation>
    </message>
    <message>
        <source>Alert</source>
        <translation>Объявление</translation>
    </message>
    <message>
        <source>Stops</source>
        <translation>Остановки</translation>
    </message>
    <message>
        <source>Until</source>
        <translation>До</translation>
    </message>
    <message>
        <source>active</source>
        <translation>действует</translation>
    </message>
    <message>
        <source>ended</source>
        <translation>завершено</translation>
    </message>
    <message>
        <source>Buses</source>
        <translation>Автобусы</translation>
    </message>
    <message>
        <source>Headway</source>
        <translation>Интервал</translation>
    </message>
    <message>
        <source>On time</source>
        <translation>По графику</translation>
    </message>
    <message>
        <source>Mean delay</source>
        <translation>Среднее опоздание</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 мин</translation>
    </message>
    <message>
        <source>Bus</source>
        <translation>Автобус</translation>
    </message>
    <message>
        <source>Deviation</source>
        <translation>Отклонение</translation>
    </message>
    <message>
        <source>Last report</source>
        <translation>Последняя отметка</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Состояние</translation>
    </message>
    <message>
        <source>Next stop</source>
        <translation>Следующая остановка</translation>
    </message>
    <message>
        <source>in service</source>
        <translation>на линии</translation>
    </message>
    <message>
        <source>at terminus</source>
        <translation>на конечной</translation>
    </message>
    <message>
        <source>not reporting</source>
        <translation>нет связи</translation>
    </message>
    <message>
        <source>off route</source>
        <translation>сошёл с маршрута</translation>
    </message>
    <message>
        <source>no trip</source>
        <translation>без рейса</translation>
    </message>
    <message>
        <source>%1 s ago</source>
        <translation>%1 с назад</translation>
    </message>
</context>
<context>
    <name>TransitPanel</name>
    <message>
        <source>Open board</source>
        <translation>Открыть табло</translation>
    </message>
    <message>
        <source>Open the selected smart stop&apos;s board page in the browser</source>
        <translation>Открыть страницу табло выбранной остановки в браузере</translation>
    </message>
    <message>
        <source>Smart stops and buses</source>
        <translation>Умные остановки и автобусы</translation>
    </message>
    <message>
        <source>Smart stops</source>
        <translation>Умные остановки</translation>
    </message>
    <message>
        <source>Vehicles</source>
        <translation>Автобусы на линии</translation>
    </message>
    <message>
        <source>Service alerts</source>
        <translation>Объявления</translation>
    </message>
    <message>
        <source>Choose a route</source>
        <translation>Выберите маршрут</translation>
    </message>
    <message>
        <source>Direction A</source>
        <translation>Направление А</translation>
    </message>
    <message>
        <source>Direction B</source>
        <translation>Направление Б</translation>
    </message>
    <message>
        <source>Transport</source>
        <translation>Транспорт</translation>
    </message>
    <message>
        <source>%1 buses · %2 boards silent · %3 reports dropped</source>
        <translation>автобусов: %1 · табло без связи: %2 · отброшено отметок: %3</translation>
    </message>
    <message>
        <source>Route %1: %2 → %3</source>
        <translation>Маршрут %1: %2 → %3</translation>
    </message>
</context>
</TS>

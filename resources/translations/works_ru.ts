<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru">
<context>
    <name>Layers</name>
    <message>
        <source>Excavation permits</source>
        <translation>Ордера на земляные работы</translation>
    </message>
</context>
<context>
    <name>Panels</name>
    <message>
        <source>Works</source>
        <translation>Работы</translation>
    </message>
</context>
<context>
    <name>Tiles</name>
    <message>
        <source>Works without permit</source>
        <translation>Раскопки без разрешения</translation>
    </message>
    <message>
        <source>Restoration overdue</source>
        <translation>Просрочено восстановление</translation>
    </message>
    <message>
        <source>permits past their restore-by date</source>
        <translation>разрешений с истёкшим сроком восстановления</translation>
    </message>
</context>
<context>
    <name>WorksLabels</name>
    <message>
        <source>Applied</source>
        <translation>Подана заявка</translation>
    </message>
    <message>
        <source>Granted</source>
        <translation>Выдан</translation>
    </message>
    <message>
        <source>Suspended</source>
        <translation>Приостановлен</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>Закрыт</translation>
    </message>
    <message>
        <source>Expired</source>
        <translation>Истёк</translation>
    </message>
    <message>
        <source>Heating main</source>
        <translation>Теплотрасса</translation>
    </message>
    <message>
        <source>Water main</source>
        <translation>Водопровод</translation>
    </message>
    <message>
        <source>Sewerage</source>
        <translation>Канализация</translation>
    </message>
    <message>
        <source>Cable</source>
        <translation>Кабель</translation>
    </message>
    <message>
        <source>Gas main</source>
        <translation>Газопровод</translation>
    </message>
    <message>
        <source>Road</source>
        <translation>Дорога</translation>
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
        <source>Legal</source>
        <translation>Законно</translation>
    </message>
    <message>
        <source>Outside the allowed hours</source>
        <translation>Вне разрешённых часов</translation>
    </message>
    <message>
        <source>Contractor&apos;s licence expired</source>
        <translation>Лицензия подрядчика истекла</translation>
    </message>
    <message>
        <source>Permit expired</source>
        <translation>Ордер истёк</translation>
    </message>
    <message>
        <source>Permit suspended</source>
        <translation>Ордер приостановлен</translation>
    </message>
    <message>
        <source>No permit here</source>
        <translation>Здесь нет ордера</translation>
    </message>
    <message>
        <source>Permit</source>
        <translation>Ордер</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Статус</translation>
    </message>
    <message>
        <source>Works</source>
        <translation>Работы</translation>
    </message>
    <message>
        <source>Contractor</source>
        <translation>Подрядчик</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Адрес</translation>
    </message>
    <message>
        <source>Valid to</source>
        <translation>Действует до</translation>
    </message>
    <message>
        <source>Restore by</source>
        <translation>Восстановить до</translation>
    </message>
</context>
<context>
    <name>WorksPanel</name>
    <message>
        <source>Refresh</source>
        <translation>Обновить</translation>
    </message>
    <message>
        <source>All statuses</source>
        <translation>Все статусы</translation>
    </message>
    <message>
        <source>Number, contractor or address</source>
        <translation>Номер, подрядчик или адрес</translation>
    </message>
    <message>
        <source>Permits</source>
        <translation>Ордера</translation>
    </message>
    <message>
        <source>Expiring this week</source>
        <translation>Истекают на этой неделе</translation>
    </message>
    <message>
        <source>Restoration overdue</source>
        <translation>Просрочено восстановление</translation>
    </message>
    <message>
        <source>Is a dig legal here?</source>
        <translation>Законны ли здесь раскопки?</translation>
    </message>
    <message>
        <source>Right-click the map (New incident here) or enter a point.</source>
        <translation>Щёлкните правой кнопкой по карте («Новый инцидент здесь») или введите точку.</translation>
    </message>
    <message>
        <source>Latitude</source>
        <translation>Широта</translation>
    </message>
    <message>
        <source>Longitude</source>
        <translation>Долгота</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>Проверить</translation>
    </message>
    <message>
        <source>Permits within 100 m</source>
        <translation>Ордера в радиусе 100 м</translation>
    </message>
    <message>
        <source>Permit</source>
        <translation>Ордер</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Статус</translation>
    </message>
    <message>
        <source>Distance</source>
        <translation>Расстояние</translation>
    </message>
    <message>
        <source>Record a violation</source>
        <translation>Зафиксировать нарушение</translation>
    </message>
    <message>
        <source>Enter a latitude and a longitude</source>
        <translation>Введите широту и долготу</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>Проверка…</translation>
    </message>
    <message>
        <source>%1 m</source>
        <translation>%1 м</translation>
    </message>
    <message>
        <source>Incident %1: not checked yet</source>
        <translation>Инцидент %1: ещё не проверен</translation>
    </message>
    <message>
        <source>Incident %1: %2</source>
        <translation>Инцидент %1: %2</translation>
    </message>
    <message>
        <source>violation recorded</source>
        <translation>нарушение зафиксировано</translation>
    </message>
    <message>
        <source>expiring this week</source>
        <translation>истекают на этой неделе</translation>
    </message>
    <message>
        <source>restoration overdue</source>
        <translation>просрочено восстановление</translation>
    </message>
    <message>
        <source>Expiring this week (%1)</source>
        <translation>Истекают на этой неделе (%1)</translation>
    </message>
    <message>
        <source>Restoration overdue (%1)</source>
        <translation>Просрочено восстановление (%1)</translation>
    </message>
</context>
</TS>

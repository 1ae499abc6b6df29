<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru">
<context>
    <name>Layers</name>
    <message>
        <source>Incidents</source>
        <translation>Происшествия</translation>
    </message>
</context>
<context>
    <name>MapPanel</name>
    <message>
        <source>Area</source>
        <translation>Область</translation>
    </message>
    <message>
        <source>Filter incidents to an area drawn on the map</source>
        <translation>Показывать происшествия только в области, нарисованной на карте</translation>
    </message>
    <message>
        <source>Rectangle</source>
        <translation>Прямоугольник</translation>
    </message>
    <message>
        <source>Draw a rectangle to filter incidents to an area</source>
        <translation>Нарисовать прямоугольник, чтобы показать происшествия только в этой области</translation>
    </message>
    <message>
        <source>Polygon</source>
        <translation>Многоугольник</translation>
    </message>
    <message>
        <source>Draw a polygon to filter incidents to an area (double-click or Enter to finish)</source>
        <translation>Нарисовать многоугольник, чтобы показать происшествия только в этой области (двойной щелчок или Enter — завершить)</translation>
    </message>
    <message>
        <source>Clear area</source>
        <translation>Сбросить область</translation>
    </message>
    <message>
        <source>Show incidents everywhere again</source>
        <translation>Снова показывать происшествия по всему городу</translation>
    </message>
    <message>
        <source>Whole city</source>
        <translation>Весь город</translation>
    </message>
    <message>
        <source>Show the whole city</source>
        <translation>Показать весь город</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Экспорт</translation>
    </message>
    <message>
        <source>Save the current view as a picture or a standalone map</source>
        <translation>Сохранить текущий вид как картинку или отдельную карту</translation>
    </message>
    <message>
        <source>Export PNG…</source>
        <translation>Экспорт PNG…</translation>
    </message>
    <message>
        <source>Save the current view as a picture</source>
        <translation>Сохранить текущий вид карты как изображение</translation>
    </message>
    <message>
        <source>Export HTML…</source>
        <translation>Экспорт HTML…</translation>
    </message>
    <message>
        <source>Save the current view as a standalone map for a report</source>
        <translation>Сохранить текущий вид как автономную карту для отчёта</translation>
    </message>
    <message>
        <source>Open incidents</source>
        <translation>Открытые происшествия</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>Просрочено</translation>
    </message>
    <message>
        <source>Critical</source>
        <translation>Критический</translation>
    </message>
    <message>
        <source>High</source>
        <translation>Высокий</translation>
    </message>
    <message>
        <source>Medium</source>
        <translation>Средний</translation>
    </message>
    <message>
        <source>Low</source>
        <translation>Низкий</translation>
    </message>
    <message>
        <source>Drag to draw a rectangle · Esc cancels</source>
        <translation>Протяните, чтобы нарисовать прямоугольник · Esc — отмена</translation>
    </message>
    <message>
        <source>Click to add corners · double-click or Enter finishes · Esc cancels</source>
        <translation>Щелчками добавьте вершины · двойной щелчок или Enter — завершить · Esc — отмена</translation>
    </message>
    <message>
        <source>Districts</source>
        <translation>Районы</translation>
    </message>
    <message>
        <source>River and reservoir</source>
        <translation>Река и водохранилище</translation>
    </message>
    <message>
        <source>Buildings</source>
        <translation>Здания</translation>
    </message>
    <message>
        <source>Streets</source>
        <translation>Улицы</translation>
    </message>
    <message>
        <source>Landmarks</source>
        <translation>Ориентиры</translation>
    </message>
    <message>
        <source>Base map</source>
        <translation>Подложка</translation>
    </message>
    <message>
        <source>Map</source>
        <translation>Карта</translation>
    </message>
    <message>
        <source>Open incident</source>
        <translation>Открыть происшествие</translation>
    </message>
    <message>
        <source>Show on video wall</source>
        <translation>Показать на видеостене</translation>
    </message>
    <message>
        <source>New incident here</source>
        <translation>Новое происшествие здесь</translation>
    </message>
    <message>
        <source>Copy coordinates</source>
        <translation>Копировать координаты</translation>
    </message>
    <message>
        <source>Export map as PNG</source>
        <translation>Экспорт карты в PNG</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>Изображения PNG (*.png)</translation>
    </message>
    <message>
        <source>Export map as HTML</source>
        <translation>Экспорт карты в HTML</translation>
    </message>
    <message>
        <source>HTML pages (*.html)</source>
        <translation>Страницы HTML (*.html)</translation>
    </message>
</context>
<context>
    <name>Panels</name>
    <message>
        <source>Map</source>
        <translation>Карта</translation>
    </message>
</context>
</TS>

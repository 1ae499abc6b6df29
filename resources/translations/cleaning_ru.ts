<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru">
<context>
    <name>CleaningLabels</name>
    <message>
        <source>Done</source>
        <translation>Выполнено</translation>
    </message>
    <message>
        <source>Partly done</source>
        <translation>Выполнено частично</translation>
    </message>
    <message>
        <source>Missed</source>
        <translation>Пропущено</translation>
    </message>
    <message>
        <source>Not yet due</source>
        <translation>Ещё не наступило</translation>
    </message>
    <message>
        <source>Not scheduled today</source>
        <translation>Сегодня не запланировано</translation>
    </message>
    <message>
        <source>Sweeping</source>
        <translation>Подметание</translation>
    </message>
    <message>
        <source>Washing</source>
        <translation>Мойка</translation>
    </message>
    <message>
        <source>Snow clearing</source>
        <translation>Уборка снега</translation>
    </message>
    <message>
        <source>Waste collection</source>
        <translation>Вывоз мусора</translation>
    </message>
    <message>
        <source>sweeping</source>
        <translation>подметание</translation>
    </message>
    <message>
        <source>washing</source>
        <translation>мойка</translation>
    </message>
    <message>
        <source>plowing</source>
        <translation>снегоочистка</translation>
    </message>
    <message>
        <source>idle</source>
        <translation>простой</translation>
    </message>
</context>
<context>
    <name>CleaningPanel</name>
    <message>
        <source>Refresh</source>
        <translation>Обновить</translation>
    </message>
    <message>
        <source>machines working</source>
        <translation>машин в работе</translation>
    </message>
    <message>
        <source>Service / section</source>
        <translation>Служба / участок</translation>
    </message>
    <message>
        <source>Work</source>
        <translation>Вид работ</translation>
    </message>
    <message>
        <source>Window</source>
        <translation>Окно</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Состояние</translation>
    </message>
    <message>
        <source>Share</source>
        <translation>Доля</translation>
    </message>
    <message>
        <source>Done at</source>
        <translation>Выполнено в</translation>
    </message>
    <message>
        <source>Machine</source>
        <translation>Машина</translation>
    </message>
    <message>
        <source>Machines today</source>
        <translation>Техника сегодня</translation>
    </message>
    <message>
        <source>%1 of %2 done</source>
        <translation>выполнено %1 из %2</translation>
    </message>
</context>
<context>
    <name>Layers</name>
    <message>
        <source>Street cleaning</source>
        <translation>Уборка улиц</translation>
    </message>
    <message>
        <source>Machines&apos; tracks</source>
        <translation>Треки техники</translation>
    </message>
    <message>
        <source>Cleaning machines</source>
        <translation>Уборочная техника</translation>
    </message>
</context>
<context>
    <name>Panels</name>
    <message>
        <source>Cleaning</source>
        <translation>Уборка</translation>
    </message>
</context>
<context>
    <name>Tiles</name>
    <message>
        <source>Sections missed today</source>
        <translation>Пропущено участков сегодня</translation>
    </message>
    <message>
        <source>of {sections_active} sections in the plan</source>
        <translation>из {sections_active} участков в плане</translation>
    </message>
</context>
</TS>

<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru_RU">
<!-- Qt's own strings that the qtbase_ru.qm shipped with this PySide6 lacks (its sources changed
     since it was translated): without these Qt's file dialog says "Look in:" in a Russian window.
     Edited by hand; `python -m app.i18n update` does not touch this file. -->
<context>
    <name>QFileDialog</name>
    <message>
        <source>&amp;Look in:</source>
        <translation>&amp;Папка:</translation>
    </message>
    <message>
        <source>Files of &amp;type:</source>
        <translation>&amp;Тип файлов:</translation>
    </message>
</context>
</TS>

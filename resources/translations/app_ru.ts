<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru">
<context>
    <name>Actions</name>
    <message>
        <source>Settings…</source>
        <translation>Настройки…</translation>
    </message>
    <message>
        <source>Reset layout</source>
        <translation>Сбросить расположение</translation>
    </message>
    <message>
        <source>Full screen</source>
        <translation>Полный экран</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Выход</translation>
    </message>
</context>
<context>
    <name>ConnectionStatusBar</name>
    <message>
        <source>dispatcher</source>
        <translation>диспетчер</translation>
    </message>
    <message>
        <source>supervisor</source>
        <translation>старший смены</translation>
    </message>
    <message>
        <source>administrator</source>
        <translation>администратор</translation>
    </message>
    <message>
        <source>● Online</source>
        <translation>● В сети</translation>
    </message>
    <message>
        <source>● No signal for {0} s</source>
        <translation>● Нет сигнала {0} с</translation>
    </message>
    <message>
        <source>● Server not answering</source>
        <translation>● Сервер не отвечает</translation>
    </message>
    <message>
        <source>● Connection lost</source>
        <translation>● Связь потеряна</translation>
    </message>
    <message>
        <source>● Connecting…</source>
        <translation>● Подключение…</translation>
    </message>
    <message>
        <source>● Disconnected</source>
        <translation>● Нет связи</translation>
    </message>
    <message>
        <source>● Offline</source>
        <translation>● Автономно</translation>
    </message>
    <message>
        <source>● Session expired</source>
        <translation>● Сеанс истёк</translation>
    </message>
    <message>
        <source>{0} waiting</source>
        <translation>ждут отправки: {0}</translation>
    </message>
    <message>
        <source>last event {0}</source>
        <translation>последнее событие {0}</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <source>The server cannot be reached. Check the network; work continues offline.</source>
        <translation>Сервер недоступен. Проверьте сеть; работа продолжается в автономном режиме.</translation>
    </message>
    <message>
        <source>File or system error: {0}</source>
        <translation>Ошибка файла или системы: {0}</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <source>Situation Center — log in</source>
        <translation>Ситуационный центр — вход</translation>
    </message>
    <message>
        <source>Smart Kurchatov situation center</source>
        <translation>Ситуационный центр «Умный Курчатов»</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>Сервер</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Пользователь</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Пароль</translation>
    </message>
    <message>
        <source>Log in</source>
        <translation>Войти</translation>
    </message>
    <message>
        <source>Enter the server, your user name and password.</source>
        <translation>Укажите сервер, имя пользователя и пароль.</translation>
    </message>
    <message>
        <source>Logging in…</source>
        <translation>Вход…</translation>
    </message>
    <message>
        <source>The server cannot be reached and this user has not logged in on this workstation before, so offline work is not possible.</source>
        <translation>Сервер недоступен, а этот пользователь ещё не входил на этом рабочем месте, поэтому автономная работа невозможна.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Situation Center — Smart Kurchatov</source>
        <translation>Ситуационный центр — Умный Курчатов</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Файл</translation>
    </message>
    <message>
        <source>&amp;Incident</source>
        <translation>&amp;Происшествие</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Вид</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Справка</translation>
    </message>
    <message>
        <source>About</source>
        <translation>О программе</translation>
    </message>
    <message>
        <source>Situation Center of the city of Kurchatov.
Server: {0}
Log: {1}</source>
        <translation>Ситуационный центр города Курчатова.
Сервер: {0}
Журнал: {1}</translation>
    </message>
    <message>
        <source>console only</source>
        <translation>только консоль</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Выход</translation>
    </message>
    <message>
        <source>{0} changes have not reached the server yet. They stay on this workstation and are sent at the next start. Quit now?</source>
        <translation>Изменений, ещё не отправленных на сервер: {0}. Они останутся на этом рабочем месте и уйдут при следующем запуске. Выйти сейчас?</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Настройки</translation>
    </message>
    <message>
        <source>As the system</source>
        <translation>Как в системе</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>Тёмная</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>Светлая</translation>
    </message>
    <message>
        <source>Sound on critical incidents</source>
        <translation>Звук при критических происшествиях</translation>
    </message>
    <message>
        <source>City vector map (built in)</source>
        <translation>Векторная карта города (встроенная)</translation>
    </message>
    <message>
        <source>Tile server</source>
        <translation>Сервер тайлов</translation>
    </message>
    <message>
        <source>MBTiles file</source>
        <translation>Файл MBTiles</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Язык</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>Тема</translation>
    </message>
    <message>
        <source>Map base</source>
        <translation>Подложка карты</translation>
    </message>
    <message>
        <source>Tile URL template</source>
        <translation>Шаблон URL тайлов</translation>
    </message>
    <message>
        <source>The language applies at once; map base changes apply after a restart.</source>
        <translation>Язык меняется сразу; смена основы карты — после перезапуска.</translation>
    </message>
</context>
<context>
    <name>Standalone</name>
    <message>
        <source>No server: incidents are read-only here</source>
        <translation>Нет сервера: происшествия здесь только для чтения</translation>
    </message>
</context>
<context>
    <name>Workspaces</name>
    <message>
        <source>Dispatcher</source>
        <translation>Диспетчер</translation>
    </message>
    <message>
        <source>Supervisor</source>
        <translation>Руководитель смены</translation>
    </message>
    <message>
        <source>All panels</source>
        <translation>Все панели</translation>
    </message>
</context>
</TS>

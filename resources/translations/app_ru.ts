<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru">
  <context>
    <name>Actions</name>
    <message>
      <source>New incident</source>
      <translation>Новое происшествие</translation>
    </message>
    <message>
      <source>Refresh</source>
      <translation>Обновить</translation>
    </message>
    <message>
      <source>Find incident</source>
      <translation>Найти происшествие</translation>
    </message>
    <message>
      <source>Acknowledge</source>
      <translation>Принять</translation>
    </message>
    <message>
      <source>Start work</source>
      <translation>Начать работу</translation>
    </message>
    <message>
      <source>Resolve</source>
      <translation>Решено</translation>
    </message>
    <message>
      <source>Assign…</source>
      <translation>Назначить…</translation>
    </message>
    <message>
      <source>Add comment…</source>
      <translation>Комментарий…</translation>
    </message>
    <message>
      <source>Acknowledge alert</source>
      <translation>Подтвердить тревогу</translation>
    </message>
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
    <name>ConflictDialog</name>
    <message>
      <source>Conflict: incident {0}</source>
      <translation>Конфликт: происшествие {0}</translation>
    </message>
    <message>
      <source>While you worked offline, someone else changed incident {0} (it is now version {1}). For each field, choose which value to keep. Nothing is sent until you decide.</source>
      <translation>Пока вы работали без связи, кто-то другой изменил происшествие {0} (сейчас это версия {1}). Для каждого поля выберите, какое значение оставить. Ничего не будет отправлено, пока вы не решите.</translation>
    </message>
    <message>
      <source>Field</source>
      <translation>Поле</translation>
    </message>
    <message>
      <source>When you edited</source>
      <translation>Когда вы правили</translation>
    </message>
    <message>
      <source>Your version</source>
      <translation>Ваш вариант</translation>
    </message>
    <message>
      <source>On the server now</source>
      <translation>Сейчас на сервере</translation>
    </message>
    <message>
      <source>Apply my choice</source>
      <translation>Применить мой выбор</translation>
    </message>
    <message>
      <source>Decide later</source>
      <translation>Решить позже</translation>
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
Server: {0}</source>
      <translation>Ситуационный центр города Курчатова.
Сервер: {0}</translation>
    </message>
  </context>
  <context>
    <name>OfflineBanner</name>
    <message>
      <source>Sending %v of %m</source>
      <translation>Отправлено %v из %m</translation>
    </message>
    <message>
      <source>&lt;b&gt;Offline&lt;/b&gt; — the server cannot be reached. You can keep working: changes are saved on this workstation and sent when the server is back. Waiting: {0}.</source>
      <translation>&lt;b&gt;Нет связи&lt;/b&gt; — сервер недоступен. Можно продолжать работу: изменения сохраняются на этом рабочем месте и будут отправлены, когда сервер вернётся. Ожидают отправки: {0}.</translation>
    </message>
    <message>
      <source>&lt;b&gt;Back online&lt;/b&gt; — sending the changes made offline…</source>
      <translation>&lt;b&gt;Связь восстановлена&lt;/b&gt; — отправляются изменения, сделанные без связи…</translation>
    </message>
    <message>
      <source>&lt;b&gt;Some offline changes need your decision&lt;/b&gt; — nothing is lost; they wait on this workstation.</source>
      <translation>&lt;b&gt;Часть изменений, сделанных без связи, требует вашего решения&lt;/b&gt; — ничего не потеряно, они ждут на этом рабочем месте.</translation>
    </message>
    <message>
      <source>Needs attention: {0}</source>
      <translation>Требуют внимания: {0}</translation>
    </message>
    <message>
      <source>Working offline; changes wait on this workstation</source>
      <translation>Работа без связи; изменения ждут на этом рабочем месте</translation>
    </message>
  </context>
  <context>
    <name>OfflineOutbox</name>
    <message>
      <source>New incident</source>
      <translation>Новое происшествие</translation>
    </message>
    <message>
      <source>Edit</source>
      <translation>Правка</translation>
    </message>
    <message>
      <source>Status change</source>
      <translation>Смена статуса</translation>
    </message>
    <message>
      <source>Assignment</source>
      <translation>Назначение</translation>
    </message>
    <message>
      <source>Duplicate mark</source>
      <translation>Пометка дубликатом</translation>
    </message>
    <message>
      <source>Comment</source>
      <translation>Комментарий</translation>
    </message>
    <message>
      <source>Photo</source>
      <translation>Фото</translation>
    </message>
  </context>
  <context>
    <name>Panels</name>
    <message>
      <source>Incidents</source>
      <translation>Происшествия</translation>
    </message>
    <message>
      <source>Incident</source>
      <translation>Происшествие</translation>
    </message>
    <message>
      <source>Map</source>
      <translation>Карта</translation>
    </message>
    <message>
      <source>Video wall</source>
      <translation>Видеостена</translation>
    </message>
    <message>
      <source>Video archive</source>
      <translation>Видеоархив</translation>
    </message>
    <message>
      <source>Energy</source>
      <translation>Энергоресурсы</translation>
    </message>
  </context>
  <context>
    <name>ProblemsDialog</name>
    <message>
      <source>Changes not accepted by the server</source>
      <translation>Изменения, не принятые сервером</translation>
    </message>
    <message>
      <source>These changes are kept on this workstation. Fix and retry them, or discard them; later changes to the same incident wait for them.</source>
      <translation>Эти изменения хранятся на этом рабочем месте. Исправьте и повторите их или отмените; более поздние изменения того же происшествия ждут их.</translation>
    </message>
    <message>
      <source>Compare and choose…</source>
      <translation>Сравнить и выбрать…</translation>
    </message>
    <message>
      <source>Choose the photo again…</source>
      <translation>Выбрать фото заново…</translation>
    </message>
    <message>
      <source>Retry with this category</source>
      <translation>Повторить с этой категорией</translation>
    </message>
    <message>
      <source>Retry</source>
      <translation>Повторить</translation>
    </message>
    <message>
      <source>Discard…</source>
      <translation>Отменить…</translation>
    </message>
    <message>
      <source>Attach photo</source>
      <translation>Прикрепить фото</translation>
    </message>
    <message>
      <source>Photos (*.jpg *.jpeg *.png *.webp)</source>
      <translation>Фотографии (*.jpg *.jpeg *.png *.webp)</translation>
    </message>
    <message>
      <source>
The incident's other waiting changes are discarded with it.</source>
      <translation>
Остальные ожидающие изменения этого происшествия будут отменены вместе с ним.</translation>
    </message>
    <message>
      <source>Discard the change?</source>
      <translation>Отменить изменение?</translation>
    </message>
    <message>
      <source>Discard this change for good? It will not reach the server.</source>
      <translation>Отменить это изменение окончательно? Оно не попадёт на сервер.</translation>
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
      <source>Language and map changes apply after a restart.</source>
      <translation>Смена языка и карты вступает в силу после перезапуска.</translation>
    </message>
  </context>
  <context>
    <name>WaitingCounter</name>
    <message>
      <source>⇅ {0} waiting</source>
      <translation>⇅ ожидают: {0}</translation>
    </message>
    <message>
      <source>Changes saved on this workstation that have not reached the server yet</source>
      <translation>Изменения, сохранённые на этом рабочем месте и ещё не дошедшие до сервера</translation>
    </message>
  </context>
</TS>
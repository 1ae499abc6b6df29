<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru">
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
The incident&apos;s other waiting changes are discarded with it.</source>
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

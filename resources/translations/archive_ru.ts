<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru">
<context>
    <name>Actions</name>
    <message>
        <source>Export video clip…</source>
        <translation>Экспорт видеофрагмента…</translation>
    </message>
</context>
<context>
    <name>ArchivePanel</name>
    <message>
        <source>Add camera</source>
        <translation>Добавить камеру</translation>
    </message>
    <message>
        <source>Play up to 4 cameras in step on one timeline</source>
        <translation>Синхронно воспроизводить до 4 камер на одной шкале времени</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>Показать</translation>
    </message>
    <message>
        <source>Switch to this camera, keeping the time</source>
        <translation>Переключиться на эту камеру, сохранив время</translation>
    </message>
    <message>
        <source>Remove extra cameras</source>
        <translation>Оставить одну</translation>
    </message>
    <message>
        <source>Keep only the first camera</source>
        <translation>Оставить только первую камеру</translation>
    </message>
    <message>
        <source>Bookmark</source>
        <translation>Закладка</translation>
    </message>
    <message>
        <source>Keep as evidence</source>
        <translation>Сохранить как улику</translation>
    </message>
    <message>
        <source>Keep ±5 minutes around this moment past retention</source>
        <translation>Хранить ±5 минут вокруг этого момента дольше срока хранения</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Экспорт…</translation>
    </message>
    <message>
        <source>Viewing recordings is logged. Why are you viewing them?</source>
        <translation>Просмотр записей фиксируется в журнале. С какой целью вы их просматриваете?</translation>
    </message>
    <message>
        <source>Reason (incident number, request, check)</source>
        <translation>Причина (номер происшествия, запрос, проверка)</translation>
    </message>
    <message>
        <source>Start playback</source>
        <translation>Начать просмотр</translation>
    </message>
    <message>
        <source>Previous event or bookmark</source>
        <translation>Предыдущее событие или закладка</translation>
    </message>
    <message>
        <source>Play backwards</source>
        <translation>Воспроизвести назад</translation>
    </message>
    <message>
        <source>One frame back</source>
        <translation>На кадр назад</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Пауза</translation>
    </message>
    <message>
        <source>One frame forward</source>
        <translation>На кадр вперёд</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>Воспроизвести</translation>
    </message>
    <message>
        <source>Next event or bookmark</source>
        <translation>Следующее событие или закладка</translation>
    </message>
    <message>
        <source>Playback speed</source>
        <translation>Скорость воспроизведения</translation>
    </message>
    <message>
        <source>Show 5 minutes</source>
        <translation>Показать 5 минут</translation>
    </message>
    <message>
        <source>5 min</source>
        <translation>5 мин</translation>
    </message>
    <message>
        <source>Show an hour</source>
        <translation>Показать час</translation>
    </message>
    <message>
        <source>1 h</source>
        <translation>1 ч</translation>
    </message>
    <message>
        <source>Show a day</source>
        <translation>Показать сутки</translation>
    </message>
    <message>
        <source>1 d</source>
        <translation>1 сут</translation>
    </message>
    <message>
        <source>Show a week</source>
        <translation>Показать неделю</translation>
    </message>
    <message>
        <source>7 d</source>
        <translation>7 сут</translation>
    </message>
    <message>
        <source>Zoom out</source>
        <translation>Уменьшить масштаб</translation>
    </message>
    <message>
        <source>Zoom in</source>
        <translation>Увеличить масштаб</translation>
    </message>
    <message>
        <source>green: recorded · dark red: gap · orange: motion · red: lost signal · blue flag: bookmark</source>
        <translation>зелёный: запись · тёмно-красный: пропуск · оранжевый: движение · красный: потеря сигнала · синий флажок: закладка</translation>
    </message>
    <message>
        <source>Camera {0}</source>
        <translation>Камера {0}</translation>
    </message>
    <message>
        <source>Give the reason to start playback</source>
        <translation>Укажите причину, чтобы начать просмотр</translation>
    </message>
    <message>
        <source>The reason is required (at least 3 characters).</source>
        <translation>Причина обязательна (не менее 3 символов).</translation>
    </message>
    <message>
        <source>No recording at this moment</source>
        <translation>В этот момент записи нет</translation>
    </message>
    <message>
        <source>Note for this moment:</source>
        <translation>Заметка к этому моменту:</translation>
    </message>
    <message>
        <source>Start playback with a reason first</source>
        <translation>Сначала начните просмотр, указав причину</translation>
    </message>
    <message>
        <source>Export a clip of the first camera ({0})</source>
        <translation>Экспорт фрагмента первой камеры ({0})</translation>
    </message>
    <message>
        <source>Open a camera in the archive first</source>
        <translation>Сначала откройте камеру в архиве</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <source>Export video — {0}</source>
        <translation>Экспорт видео — {0}</translation>
    </message>
    <message>
        <source>Why is this clip exported (case, request number)?</source>
        <translation>Зачем экспортируется фрагмент (дело, номер запроса)?</translation>
    </message>
    <message>
        <source>From</source>
        <translation>С</translation>
    </message>
    <message>
        <source>To</source>
        <translation>По</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Причина</translation>
    </message>
    <message>
        <source>The clip is copied from the recording as it is (no re-encoding).</source>
        <translation>Фрагмент копируется из записи как есть (без перекодирования).</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Экспортировать</translation>
    </message>
    <message>
        <source>Save as…</source>
        <translation>Сохранить как…</translation>
    </message>
    <message>
        <source>Camera</source>
        <translation>Камера</translation>
    </message>
    <message>
        <source>Recorded</source>
        <translation>Запись</translation>
    </message>
    <message>
        <source>Clip</source>
        <translation>Фрагмент</translation>
    </message>
    <message>
        <source>Exported by</source>
        <translation>Выгрузил</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Файл</translation>
    </message>
    <message>
        <source>Copy hash</source>
        <translation>Копировать хеш</translation>
    </message>
    <message>
        <source>Copy the SHA-256 of the clip to the clipboard</source>
        <translation>Скопировать SHA-256 фрагмента в буфер обмена</translation>
    </message>
    <message>
        <source>SHA-256</source>
        <translation>SHA-256</translation>
    </message>
    <message>
        <source>Give the reason for this export first.</source>
        <translation>Сначала укажите причину экспорта.</translation>
    </message>
    <message>
        <source>The end must be after the start.</source>
        <translation>Конец должен быть позже начала.</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>Экспорт…</translation>
    </message>
    <message>
        <source>Export failed: {0}</source>
        <translation>Экспорт не удался: {0}</translation>
    </message>
    <message>
        <source>Done: the clip is ready on the server. Save it with “Save as…”.</source>
        <translation>Готово: фрагмент подготовлен на сервере. Сохраните его кнопкой «Сохранить как…».</translation>
    </message>
    <message>
        <source>{0} – {1} ({2} s)</source>
        <translation>{0} – {1} ({2} с)</translation>
    </message>
    <message>
        <source>{0} frames, {1} MB</source>
        <translation>кадров: {0}, {1} МБ</translation>
    </message>
    <message>
        <source>The SHA-256 is on the clipboard.</source>
        <translation>SHA-256 скопирован в буфер обмена.</translation>
    </message>
    <message>
        <source>Saved to {0}, with its manifest beside it</source>
        <translation>Сохранено в {0}, манифест — рядом</translation>
    </message>
    <message>
        <source>Save the exported clip</source>
        <translation>Сохранить экспортированный фрагмент</translation>
    </message>
</context>
<context>
    <name>Panels</name>
    <message>
        <source>Video archive</source>
        <translation>Видеоархив</translation>
    </message>
</context>
</TS>

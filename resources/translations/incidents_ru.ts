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
        <source>Command…</source>
        <translation>Команда…</translation>
    </message>
    <message>
        <source>Acknowledge</source>
        <translation>Принять</translation>
    </message>
    <message>
        <source>Start work</source>
        <translation>Взять в работу</translation>
    </message>
    <message>
        <source>Resolve…</source>
        <translation>Решить…</translation>
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
        <source>Find incident</source>
        <translation>Найти происшествие</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Обновить</translation>
    </message>
</context>
<context>
    <name>CommandPalette</name>
    <message>
        <source>Command</source>
        <translation>Команда</translation>
    </message>
    <message>
        <source>302 acknowledge · assign Vodokanal · start · resolve fixed note…</source>
        <translation>302 принять · назначить Водоканал · в работу · решить устранено что сделано…</translation>
    </message>
    <message>
        <source>Enter runs the highlighted command; ↑↓ choose; Esc closes.</source>
        <translation>Enter выполняет выделенную команду; ↑↓ — выбор; Esc — закрыть.</translation>
    </message>
    <message>
        <source>Type an incident number first, e.g. 302.</source>
        <translation>Сначала номер происшествия, например 302.</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Открыть</translation>
    </message>
    <message>
        <source>Assign: {0}</source>
        <translation>Назначить: {0}</translation>
    </message>
    <message>
        <source>Resolve: {0} — write what was done after it</source>
        <translation>Решить: {0} — после кода напишите, что сделано</translation>
    </message>
    <message>
        <source>Resolve: {0} — {1}</source>
        <translation>Решить: {0} — {1}</translation>
    </message>
    <message>
        <source>Resolve: {0} &lt;what was done&gt;</source>
        <translation>Решить: {0} &lt;что сделано&gt;</translation>
    </message>
</context>
<context>
    <name>CreatedToast</name>
    <message>
        <source>Open</source>
        <translation>Открыть</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Закрыть</translation>
    </message>
    <message>
        <source>&lt;b&gt;{0}&lt;/b&gt; created — the queue&apos;s filter hides it.</source>
        <translation>&lt;b&gt;{0}&lt;/b&gt; создано — фильтр очереди его скрывает.</translation>
    </message>
    <message>
        <source>Open / clear filter</source>
        <translation>Открыть / сбросить фильтр</translation>
    </message>
    <message>
        <source>&lt;b&gt;{0}&lt;/b&gt; created.</source>
        <translation>&lt;b&gt;{0}&lt;/b&gt; создано.</translation>
    </message>
</context>
<context>
    <name>CriticalAlert</name>
    <message>
        <source>Acknowledge (Ctrl+Space)</source>
        <translation>Подтвердить (Ctrl+Пробел)</translation>
    </message>
    <message>
        <source>CRITICAL  {0} · {1} · {2}</source>
        <translation>КРИТИЧЕСКОЕ  {0} · {1} · {2}</translation>
    </message>
    <message>
        <source>(+{0} more not acknowledged)</source>
        <translation>(ещё не подтверждено: {0})</translation>
    </message>
</context>
<context>
    <name>CriticalStrip</name>
    <message>
        <source>⚠ Not acknowledged: {0}</source>
        <translation>⚠ Не принято: {0}</translation>
    </message>
    <message>
        <source>{0} · {1} ago</source>
        <translation>{0} · {1} назад</translation>
    </message>
    <message>
        <source>+{0} more</source>
        <translation>ещё {0}</translation>
    </message>
</context>
<context>
    <name>IncidentCardPanel</name>
    <message>
        <source>Select an incident in the queue or on the map.</source>
        <translation>Выберите происшествие в очереди или на карте.</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>Категория</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Адрес</translation>
    </message>
    <message>
        <source>Coordinates</source>
        <translation>Координаты</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Источник</translation>
    </message>
    <message>
        <source>Assignee</source>
        <translation>Исполнитель</translation>
    </message>
    <message>
        <source>Logged</source>
        <translation>Зарегистрировано</translation>
    </message>
    <message>
        <source>Updated</source>
        <translation>Изменено</translation>
    </message>
    <message>
        <source>SLA due</source>
        <translation>Срок по регламенту</translation>
    </message>
    <message>
        <source>Duplicate of</source>
        <translation>Дубликат</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Описание</translation>
    </message>
    <message>
        <source>Assign</source>
        <translation>Назначить</translation>
    </message>
    <message>
        <source>Assign to the chosen city service (Ctrl+Shift+A)</source>
        <translation>Назначить выбранной городской службе (Ctrl+Shift+A)</translation>
    </message>
    <message>
        <source>Service:</source>
        <translation>Служба:</translation>
    </message>
    <message>
        <source>Change priority</source>
        <translation>Изменить приоритет</translation>
    </message>
    <message>
        <source>Saved only if nobody changed the incident meanwhile</source>
        <translation>Сохранится, только если никто не изменил происшествие за это время</translation>
    </message>
    <message>
        <source>Priority:</source>
        <translation>Приоритет:</translation>
    </message>
    <message>
        <source>Number of the original, e.g. И-000123</source>
        <translation>Номер исходного, напр. И-000123</translation>
    </message>
    <message>
        <source>Mark duplicate</source>
        <translation>Отметить дубликатом</translation>
    </message>
    <message>
        <source>Cameras near this place at that time…</source>
        <translation>Камеры рядом с местом в это время…</translation>
    </message>
    <message>
        <source>Opens the video archive of the recording cameras within 400 m, at the time the incident was registered</source>
        <translation>Открывает видеоархив записывающих камер в радиусе 400 м на момент регистрации происшествия</translation>
    </message>
    <message>
        <source>Comment for the shift and the services… (Ctrl+Enter sends)</source>
        <translation>Комментарий для смены и служб… (Ctrl+Enter — отправить)</translation>
    </message>
    <message>
        <source>Add comment</source>
        <translation>Добавить комментарий</translation>
    </message>
    <message>
        <source>Comments</source>
        <translation>Комментарии</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Когда</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>Кто</translation>
    </message>
    <message>
        <source>What</source>
        <translation>Что</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>Изменение</translation>
    </message>
    <message>
        <source>History</source>
        <translation>История</translation>
    </message>
    <message>
        <source>Attach photo…</source>
        <translation>Прикрепить фото…</translation>
    </message>
    <message>
        <source>Photos</source>
        <translation>Фото</translation>
    </message>
    <message>
        <source>Type more of the service&apos;s name: {0} match.</source>
        <translation>Уточните название службы: подходит {0}.</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Загрузка…</translation>
    </message>
    <message>
        <source>not assigned</source>
        <translation>не назначено</translation>
    </message>
    <message>
        <source>SLA clock stopped</source>
        <translation>Отсчёт срока остановлен</translation>
    </message>
    <message>
        <source>Overdue by {0}</source>
        <translation>Просрочено на {0}</translation>
    </message>
    <message>
        <source>{0} left</source>
        <translation>Осталось {0}</translation>
    </message>
    <message>
        <source>No recording camera within 400 m of {0}</source>
        <translation>Рядом с {0} (в радиусе 400 м) нет записывающих камер</translation>
    </message>
    <message>
        <source>— not assigned —</source>
        <translation>— не назначено —</translation>
    </message>
    <message>
        <source>Enter the number of the original incident, e.g. И-000123 or 123.</source>
        <translation>Введите номер исходного происшествия, напр. И-000123 или 123.</translation>
    </message>
    <message>
        <source>Write the comment first.</source>
        <translation>Сначала напишите комментарий.</translation>
    </message>
    <message>
        <source>Attach photo</source>
        <translation>Прикрепить фото</translation>
    </message>
    <message>
        <source>Photos (*.jpg *.jpeg *.png *.webp)</source>
        <translation>Фотографии (*.jpg *.jpeg *.png *.webp)</translation>
    </message>
</context>
<context>
    <name>IncidentFilterBar</name>
    <message>
        <source>Status</source>
        <translation>Статус</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>Категория</translation>
    </message>
    <message>
        <source>Number, address, text…</source>
        <translation>Номер, адрес, текст…</translation>
    </message>
    <message>
        <source>Search by number, address or description (Ctrl+F)</source>
        <translation>Поиск по номеру, адресу или описанию (Ctrl+F)</translation>
    </message>
    <message>
        <source>All statuses</source>
        <translation>Все статусы</translation>
    </message>
    <message>
        <source>Open incidents</source>
        <translation>Открытые</translation>
    </message>
    <message>
        <source>All categories</source>
        <translation>Все категории</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>Просроченные</translation>
    </message>
    <message>
        <source>Only incidents past their SLA due time</source>
        <translation>Только происшествия с истёкшим сроком по регламенту</translation>
    </message>
    <message>
        <source>Clear area</source>
        <translation>Сбросить область</translation>
    </message>
    <message>
        <source>show only this priority (several may be chosen)</source>
        <translation>показать только этот приоритет (можно выбрать несколько)</translation>
    </message>
    <message>
        <source>▣ Map area</source>
        <translation>▣ Область на карте</translation>
    </message>
    <message>
        <source>{0} of {1}</source>
        <translation>{0} из {1}</translation>
    </message>
    <message>
        <source>{0} incidents match the filter, of {1} on this workstation</source>
        <translation>Под фильтр подходит {0} из {1} происшествий на этом рабочем месте</translation>
    </message>
</context>
<context>
    <name>IncidentForm</name>
    <message>
        <source>New incident</source>
        <translation>Новое происшествие</translation>
    </message>
    <message>
        <source>— choose —</source>
        <translation>— выберите —</translation>
    </message>
    <message>
        <source>— not assigned —</source>
        <translation>— не назначено —</translation>
    </message>
    <message>
        <source>What happened, what is needed, who called</source>
        <translation>Что случилось, что нужно, кто сообщил</translation>
    </message>
    <message>
        <source>Category *</source>
        <translation>Категория *</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Приоритет</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Адрес</translation>
    </message>
    <message>
        <source>Latitude *</source>
        <translation>Широта *</translation>
    </message>
    <message>
        <source>Longitude *</source>
        <translation>Долгота *</translation>
    </message>
    <message>
        <source>Description *</source>
        <translation>Описание *</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Источник</translation>
    </message>
    <message>
        <source>Assign to</source>
        <translation>Назначить службе</translation>
    </message>
    <message>
        <source>House coordinates: {0}, {1}</source>
        <translation>Координаты дома: {0}, {1}</translation>
    </message>
    <message>
        <source>right-click the map, or e.g. {0}</source>
        <translation>правый щелчок по карте или, например, {0}</translation>
    </message>
    <message>
        <source>Choose a category.</source>
        <translation>Выберите категорию.</translation>
    </message>
    <message>
        <source>Enter the latitude as a number, e.g. 51.6606.</source>
        <translation>Введите широту числом, напр. 51.6606.</translation>
    </message>
    <message>
        <source>Latitude must be between {0} and {1}.</source>
        <translation>Широта должна быть от {0} до {1}.</translation>
    </message>
    <message>
        <source>Longitude must be between {0} and {1}.</source>
        <translation>Долгота должна быть от {0} до {1}.</translation>
    </message>
    <message>
        <source>The description is too long (at most {0} characters).</source>
        <translation>Описание слишком длинное (не более {0} символов).</translation>
    </message>
    <message>
        <source>Enter the longitude as a number, e.g. 35.6542.</source>
        <translation>Введите долготу числом, напр. 35.6542.</translation>
    </message>
    <message>
        <source>Street, house — type to choose from the city&apos;s list</source>
        <translation>Улица, дом — начните вводить и выберите из списка города</translation>
    </message>
    <message>
        <source>Choose the place: pick an address from the list, right-click it on the map, or type its coordinates.</source>
        <translation>Укажите место: выберите адрес из списка, правый щелчок по карте или координаты.</translation>
    </message>
    <message>
        <source>Describe the incident.</source>
        <translation>Опишите происшествие.</translation>
    </message>
</context>
<context>
    <name>IncidentQueuePanel</name>
    <message>
        <source>+ New</source>
        <translation>+ Новое</translation>
    </message>
    <message>
        <source>Log a new incident (Ctrl+N)</source>
        <translation>Зарегистрировать новое происшествие (Ctrl+N)</translation>
    </message>
    <message>
        <source>Right-click to choose the columns</source>
        <translation>Правый щелчок — выбрать столбцы</translation>
    </message>
    <message>
        <source>Fit the columns to the panel</source>
        <translation>Подогнать столбцы под панель</translation>
    </message>
</context>
<context>
    <name>IncidentTableModel</name>
    <message>
        <source>Priority</source>
        <translation>Приоритет</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>Номер</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>Категория</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Статус</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Адрес</translation>
    </message>
    <message>
        <source>Age</source>
        <translation>Давность</translation>
    </message>
    <message>
        <source>SLA left</source>
        <translation>Осталось</translation>
    </message>
    <message>
        <source>Assignee</source>
        <translation>Исполнитель</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Источник</translation>
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
</context>
<context>
    <name>Resolution</name>
    <message>
        <source>Fixed</source>
        <translation>Устранено</translation>
    </message>
    <message>
        <source>Fixed temporarily</source>
        <translation>Устранено временно</translation>
    </message>
    <message>
        <source>Not confirmed on site</source>
        <translation>Не подтвердилось на месте</translation>
    </message>
    <message>
        <source>Referred to another service</source>
        <translation>Передано другой службе</translation>
    </message>
    <message>
        <source>No access to the site</source>
        <translation>Нет доступа на место</translation>
    </message>
</context>
<context>
    <name>ResolveDialog</name>
    <message>
        <source>Resolve {0}</source>
        <translation>Решить {0}</translation>
    </message>
    <message>
        <source>Type: fixed, not confirmed…</source>
        <translation>Начните вводить: устранено, не подтвердилось…</translation>
    </message>
    <message>
        <source>What was done (for the shift and the report)</source>
        <translation>Что сделано (для смены и отчёта)</translation>
    </message>
    <message>
        <source>Resolve</source>
        <translation>Решить</translation>
    </message>
    <message>
        <source>Resolution:</source>
        <translation>Итог:</translation>
    </message>
    <message>
        <source>Note:</source>
        <translation>Что сделано:</translation>
    </message>
    <message>
        <source>Choose how the incident was resolved.</source>
        <translation>Выберите, чем закончилось происшествие.</translation>
    </message>
    <message>
        <source>Write what was done.</source>
        <translation>Напишите, что сделано.</translation>
    </message>
</context>
<context>
    <name>UndoBar</name>
    <message>
        <source>{0}: {1} → {2}</source>
        <translation>{0}: {1} → {2}</translation>
    </message>
    <message>
        <source>Undo (Ctrl+Z) · {0} s</source>
        <translation>Отменить (Ctrl+Z) · {0} с</translation>
    </message>
</context>
<context>
    <name>_MultiChoice</name>
    <message>
        <source>{0}: {1} selected</source>
        <translation>{0}: выбрано {1}</translation>
    </message>
</context>
</TS>

<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru">
<context>
    <name>IncidentLabels</name>
    <message>
        <source>Street lighting</source>
        <translation>Уличное освещение</translation>
    </message>
    <message>
        <source>Roads and sidewalks</source>
        <translation>Дороги и тротуары</translation>
    </message>
    <message>
        <source>Waste and cleaning</source>
        <translation>Мусор и уборка</translation>
    </message>
    <message>
        <source>Heating, water and sewerage</source>
        <translation>Отопление, водоснабжение и канализация</translation>
    </message>
    <message>
        <source>Public transport</source>
        <translation>Общественный транспорт</translation>
    </message>
    <message>
        <source>Excavation works</source>
        <translation>Земляные работы</translation>
    </message>
    <message>
        <source>Traffic lights and intersections</source>
        <translation>Светофоры и перекрёстки</translation>
    </message>
    <message>
        <source>Public order</source>
        <translation>Общественный порядок</translation>
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
        <source>Lighting</source>
        <comment>short</comment>
        <translation>Освещение</translation>
    </message>
    <message>
        <source>Roads</source>
        <comment>short</comment>
        <translation>Дороги</translation>
    </message>
    <message>
        <source>Waste</source>
        <comment>short</comment>
        <translation>Мусор</translation>
    </message>
    <message>
        <source>Utilities</source>
        <comment>short</comment>
        <translation>ЖКХ</translation>
    </message>
    <message>
        <source>Transport</source>
        <comment>short</comment>
        <translation>Транспорт</translation>
    </message>
    <message>
        <source>Excavation</source>
        <comment>short</comment>
        <translation>Раскопки</translation>
    </message>
    <message>
        <source>Traffic lights</source>
        <comment>short</comment>
        <translation>Светофоры</translation>
    </message>
    <message>
        <source>Public order</source>
        <comment>short</comment>
        <translation>Порядок</translation>
    </message>
    <message>
        <source>Landscaping</source>
        <comment>short</comment>
        <translation>Благоустройство</translation>
    </message>
    <message>
        <source>Other</source>
        <comment>short</comment>
        <translation>Другое</translation>
    </message>
    <message>
        <source>New</source>
        <translation>Новое</translation>
    </message>
    <message>
        <source>Acknowledged</source>
        <translation>Принято</translation>
    </message>
    <message>
        <source>In progress</source>
        <translation>В работе</translation>
    </message>
    <message>
        <source>Resolved</source>
        <translation>Решено</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>Закрыто</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>Отклонено</translation>
    </message>
    <message>
        <source>Duplicate</source>
        <translation>Дубликат</translation>
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
        <source>Resolve</source>
        <translation>Отметить решённым</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Закрыть</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>Отклонить</translation>
    </message>
    <message>
        <source>Reopen</source>
        <translation>Открыть заново</translation>
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
        <source>Critical</source>
        <comment>short</comment>
        <translation>Критический</translation>
    </message>
    <message>
        <source>High</source>
        <comment>short</comment>
        <translation>Высокий</translation>
    </message>
    <message>
        <source>Medium</source>
        <comment>short</comment>
        <translation>Средний</translation>
    </message>
    <message>
        <source>Low</source>
        <comment>short</comment>
        <translation>Низкий</translation>
    </message>
    <message>
        <source>Citizen</source>
        <translation>Житель</translation>
    </message>
    <message>
        <source>Operator</source>
        <translation>Оператор</translation>
    </message>
    <message>
        <source>Sensor alarm</source>
        <translation>Датчик</translation>
    </message>
    <message>
        <source>Camera</source>
        <translation>Камера</translation>
    </message>
    <message>
        <source>Transit</source>
        <translation>Транспорт</translation>
    </message>
    <message>
        <source>Traffic</source>
        <translation>Дорожное движение</translation>
    </message>
    <message>
        <source>created</source>
        <translation>создано</translation>
    </message>
    <message>
        <source>status</source>
        <translation>статус</translation>
    </message>
    <message>
        <source>priority</source>
        <translation>приоритет</translation>
    </message>
    <message>
        <source>category</source>
        <translation>категория</translation>
    </message>
    <message>
        <source>assignee</source>
        <translation>исполнитель</translation>
    </message>
    <message>
        <source>address</source>
        <translation>адрес</translation>
    </message>
    <message>
        <source>description</source>
        <translation>описание</translation>
    </message>
    <message>
        <source>latitude</source>
        <translation>широта</translation>
    </message>
    <message>
        <source>longitude</source>
        <translation>долгота</translation>
    </message>
    <message>
        <source>source</source>
        <translation>источник</translation>
    </message>
    <message>
        <source>duplicate of</source>
        <translation>дубликат</translation>
    </message>
    <message>
        <source>comment</source>
        <translation>комментарий</translation>
    </message>
    <message>
        <source>attachment</source>
        <translation>вложение</translation>
    </message>
    <message>
        <source>{0} d {1} h</source>
        <translation>{0} д {1} ч</translation>
    </message>
    <message>
        <source>{0} h {1} m</source>
        <translation>{0} ч {1} мин</translation>
    </message>
    <message>
        <source>{0} m</source>
        <translation>{0} мин</translation>
    </message>
    <message>
        <source>Loading incidents</source>
        <translation>Загрузка происшествий</translation>
    </message>
    <message>
        <source>Loading the incident</source>
        <translation>Загрузка происшествия</translation>
    </message>
    <message>
        <source>Loading city services</source>
        <translation>Загрузка списка городских служб</translation>
    </message>
    <message>
        <source>Downloading the attachment</source>
        <translation>Загрузка вложения</translation>
    </message>
    <message>
        <source>Opening the photo</source>
        <translation>Открытие фото</translation>
    </message>
    <message>
        <source>Creating the incident</source>
        <translation>Создание происшествия</translation>
    </message>
    <message>
        <source>Saving the incident</source>
        <translation>Сохранение происшествия</translation>
    </message>
    <message>
        <source>Changing the status</source>
        <translation>Смена статуса</translation>
    </message>
    <message>
        <source>Undoing the status change</source>
        <translation>Отмена смены статуса</translation>
    </message>
    <message>
        <source>Assigning the incident</source>
        <translation>Назначение исполнителя</translation>
    </message>
    <message>
        <source>Marking as duplicate</source>
        <translation>Отметка дубликата</translation>
    </message>
    <message>
        <source>Adding the comment</source>
        <translation>Добавление комментария</translation>
    </message>
    <message>
        <source>Attaching the photo</source>
        <translation>Прикрепление фото</translation>
    </message>
    <message>
        <source>Sending offline changes</source>
        <translation>Отправка изменений, сделанных без связи</translation>
    </message>
    <message>
        <source>The session has expired: log in again to send the waiting changes.</source>
        <translation>Сеанс истёк: войдите снова, чтобы отправить ожидающие изменения.</translation>
    </message>
    <message>
        <source>This incident is not on the server yet; wait until it is synchronised.</source>
        <translation>Этого происшествия ещё нет на сервере; дождитесь синхронизации.</translation>
    </message>
    <message>
        <source>The server cannot be reached. Check the network and try again.</source>
        <translation>Сервер недоступен. Проверьте сеть и повторите.</translation>
    </message>
</context>
<context>
    <name>ServerTexts</name>
    <message>
        <source>No readings for {minutes} min</source>
        <translation>Нет показаний {minutes} мин</translation>
    </message>
    <message>
        <source>{ratio}× the expected use for {hours} h</source>
        <translation>{ratio}× от ожидаемого потребления за {hours} ч</translation>
    </message>
    <message>
        <source>{amount} {unit} in the last closed hour</source>
        <translation>{amount} {unit} за последний нерабочий час</translation>
    </message>
    <message>
        <source>Lights left on in the closed building</source>
        <translation>Свет оставлен включённым в закрытом здании</translation>
    </message>
    <message>
        <source>Water flowed without a pause for {hours} h</source>
        <translation>Вода текла без перерыва {hours} ч</translation>
    </message>
    <message>
        <source>The controller reports flashing operation</source>
        <translation>Контроллер сообщает о режиме жёлтого мигания</translation>
    </message>
    <message>
        <source>No events since {since}</source>
        <translation>Нет событий с {since}</translation>
    </message>
    <message>
        <source>Detector {channel} has been on for {minutes} min while the others kept counting</source>
        <translation>Детектор {channel} занят уже {minutes} мин, хотя остальные продолжают считать</translation>
    </message>
    <message>
        <source>Detector {channel} counted nothing in 15 min; by its usual share it should have counted about {expected}</source>
        <translation>Детектор {channel} ничего не насчитал за 15 мин; по своей обычной доле он должен был насчитать около {expected}</translation>
    </message>
    <message>
        <source>Phase {phase} maxed out in {percent}% of cycles for {minutes} min</source>
        <translation>Фаза {phase} доходила до максимума в {percent}% циклов в течение {minutes} мин</translation>
    </message>
    <message>
        <source>Phase {phase} failed to clear its queue in {percent}% of cycles for {minutes} min</source>
        <translation>Фаза {phase} не успевала разгрузить очередь в {percent}% циклов в течение {minutes} мин</translation>
    </message>
    <message>
        <source> (lowest {lowest} {unit})</source>
        <translation> (минимум {lowest} {unit})</translation>
    </message>
    <message>
        <source>No GTFS feed has been imported yet; import one with: sc-server transit-import FEED.zip</source>
        <translation>Расписание GTFS ещё не импортировано; импортируйте его командой: sc-server transit-import FEED.zip</translation>
    </message>
    <message>
        <source>{what} {id} does not exist</source>
        <translation>{what} {id} не существует</translation>
    </message>
    <message>
        <source>Too many requests; try again in {retry_after} s</source>
        <translation>Слишком много запросов; повторите через {retry_after} с</translation>
    </message>
    <message>
        <source>Incident</source>
        <translation>Инцидент</translation>
    </message>
    <message>
        <source>Alarm</source>
        <translation>Тревога</translation>
    </message>
    <message>
        <source>Camera</source>
        <translation>Камера</translation>
    </message>
    <message>
        <source>Building</source>
        <translation>Здание</translation>
    </message>
    <message>
        <source>Meter</source>
        <translation>Счётчик</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Остановка</translation>
    </message>
    <message>
        <source>Route</source>
        <translation>Маршрут</translation>
    </message>
    <message>
        <source>Service alert</source>
        <translation>Оповещение</translation>
    </message>
    <message>
        <source>Permit</source>
        <translation>Разрешение</translation>
    </message>
    <message>
        <source>Signal controller</source>
        <translation>Светофорный контроллер</translation>
    </message>
    <message>
        <source>Timing plan</source>
        <translation>План координации</translation>
    </message>
    <message>
        <source>Street section</source>
        <translation>Участок улицы</translation>
    </message>
    <message>
        <source>Bookmark</source>
        <translation>Закладка</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Выгрузка</translation>
    </message>
    <message>
        <source>kWh</source>
        <translation>кВт·ч</translation>
    </message>
    <message>
        <source>Gcal</source>
        <translation>Гкал</translation>
    </message>
    <message>
        <source>m³</source>
        <translation>м³</translation>
    </message>
</context>
</TS>

<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru">
<context>
    <name>Actions</name>
    <message>
        <source>Archive of the selected camera</source>
        <translation>Архив выбранной камеры</translation>
    </message>
</context>
<context>
    <name>CameraListModel</name>
    <message>
        <source>Camera</source>
        <translation>Камера</translation>
    </message>
    <message>
        <source>Area</source>
        <translation>Район</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Состояние</translation>
    </message>
    <message>
        <source>online</source>
        <translation>в сети</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>нет связи</translation>
    </message>
    <message>
        <source>checking…</source>
        <translation>проверка…</translation>
    </message>
    <message>
        <source>disabled</source>
        <translation>отключена</translation>
    </message>
</context>
<context>
    <name>Layers</name>
    <message>
        <source>Cameras</source>
        <translation>Камеры</translation>
    </message>
</context>
<context>
    <name>Panels</name>
    <message>
        <source>Video wall</source>
        <translation>Видеостена</translation>
    </message>
</context>
<context>
    <name>SaveLayoutDialog</name>
    <message>
        <source>Save wall layout</source>
        <translation>Сохранить раскладку стены</translation>
    </message>
    <message>
        <source>Share with all operators</source>
        <translation>Доступна всем операторам</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Название</translation>
    </message>
</context>
<context>
    <name>VideoTile</name>
    <message>
        <source>Drop a camera here</source>
        <translation>Перетащите сюда камеру</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Подключение…</translation>
    </message>
    <message>
        <source>last frame {0}</source>
        <translation>последний кадр {0}</translation>
    </message>
    <message>
        <source>no frame received yet</source>
        <translation>кадров ещё не было</translation>
    </message>
    <message>
        <source>NO SIGNAL</source>
        <translation>НЕТ СИГНАЛА</translation>
    </message>
    <message>
        <source>The stream failed</source>
        <translation>Поток не работает</translation>
    </message>
    <message>
        <source>Connection refused: the camera or its server is down</source>
        <translation>Соединение отклонено: камера или её сервер не работают</translation>
    </message>
    <message>
        <source>The camera has no such stream (404): check the URL</source>
        <translation>У камеры нет такого потока (404): проверьте адрес</translation>
    </message>
    <message>
        <source>The camera refused the user name or password</source>
        <translation>Камера не приняла имя пользователя или пароль</translation>
    </message>
    <message>
        <source>The camera refused access (403)</source>
        <translation>Камера запретила доступ (403)</translation>
    </message>
    <message>
        <source>The stream URL is not valid</source>
        <translation>Неверный адрес потока</translation>
    </message>
    <message>
        <source>Unknown host name: check the URL</source>
        <translation>Неизвестное имя узла: проверьте адрес</translation>
    </message>
    <message>
        <source>The camera cannot be reached: check the host name and the network</source>
        <translation>Камера недоступна: проверьте имя узла и сеть</translation>
    </message>
    <message>
        <source>The camera does not answer (timeout)</source>
        <translation>Камера не отвечает (тайм-аут)</translation>
    </message>
    <message>
        <source>Not a video stream: the server sends data that cannot be decoded</source>
        <translation>Это не видеопоток: сервер присылает данные, которые нельзя декодировать</translation>
    </message>
    <message>
        <source>The stream ended</source>
        <translation>Поток закончился</translation>
    </message>
    <message>
        <source>The camera dropped the connection</source>
        <translation>Камера разорвала соединение</translation>
    </message>
</context>
<context>
    <name>VideoWallPanel</name>
    <message>
        <source>Snapshot saved: {0}</source>
        <translation>Снимок сохранён: {0}</translation>
    </message>
    <message>
        <source>Snapshot failed: {0}</source>
        <translation>Не удалось сохранить снимок: {0}</translation>
    </message>
    <message>
        <source>Wall layout</source>
        <translation>Раскладка стены</translation>
    </message>
    <message>
        <source>Saved layouts (yours and shared)</source>
        <translation>Сохранённые раскладки (ваши и общие)</translation>
    </message>
    <message>
        <source>Save…</source>
        <translation>Сохранить…</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Удалить</translation>
    </message>
    <message>
        <source>Tour</source>
        <translation>Обход</translation>
    </message>
    <message>
        <source>Cycle all cameras through the wall</source>
        <translation>Показывать все камеры на стене по очереди</translation>
    </message>
    <message>
        <source> s</source>
        <translation> с</translation>
    </message>
    <message>
        <source>Snapshot</source>
        <translation>Снимок</translation>
    </message>
    <message>
        <source>Save the selected tile&apos;s picture to a file</source>
        <translation>Сохранить кадр выбранной ячейки в файл</translation>
    </message>
    <message>
        <source>Detach</source>
        <translation>Открепить</translation>
    </message>
    <message>
        <source>Move the wall into its own window (for a second monitor)</source>
        <translation>Вынести стену в отдельное окно (для второго монитора)</translation>
    </message>
    <message>
        <source>Layout</source>
        <translation>Раскладка</translation>
    </message>
    <message>
        <source>Filter by name or address</source>
        <translation>Фильтр по названию или адресу</translation>
    </message>
    <message>
        <source>All areas</source>
        <translation>Все районы</translation>
    </message>
    <message>
        <source>The wall is in its own window. Close that window to bring it back.</source>
        <translation>Стена открыта в отдельном окне. Закройте его, чтобы вернуть стену сюда.</translation>
    </message>
    <message>
        <source>the server cannot be reached; the wall keeps showing the cameras it has</source>
        <translation>сервер недоступен; стена продолжает показывать известные ей камеры</translation>
    </message>
    <message>
        <source>Cameras could not be loaded: {0}</source>
        <translation>Не удалось загрузить камеры: {0}</translation>
    </message>
    <message>
        <source>— saved layouts —</source>
        <translation>— сохранённые —</translation>
    </message>
    <message>
        <source>{0} (shared by {1})</source>
        <translation>{0} (общая, {1})</translation>
    </message>
    <message>
        <source>{0} (shared)</source>
        <translation>{0} (общая)</translation>
    </message>
    <message>
        <source>Show on the wall</source>
        <translation>Показать на стене</translation>
    </message>
    <message>
        <source>Open the archive (5 minutes back)</source>
        <translation>Открыть архив (5 минут назад)</translation>
    </message>
    <message>
        <source>Layout “{0}” saved</source>
        <translation>Раскладка «{0}» сохранена</translation>
    </message>
    <message>
        <source>No picture to save on this tile</source>
        <translation>В этой ячейке нет кадра для сохранения</translation>
    </message>
    <message>
        <source>Reset zoom</source>
        <translation>Сбросить увеличение</translation>
    </message>
    <message>
        <source>Fill the wall</source>
        <translation>Во всю стену</translation>
    </message>
    <message>
        <source>Remove from the wall</source>
        <translation>Убрать со стены</translation>
    </message>
    <message>
        <source>Back to the wall</source>
        <translation>Вернуться к стене</translation>
    </message>
    <message>
        <source>No camera on the selected tile</source>
        <translation>В выбранной ячейке нет камеры</translation>
    </message>
</context>
<context>
    <name>WallWindow</name>
    <message>
        <source>Video wall</source>
        <translation>Видеостена</translation>
    </message>
</context>
</TS>

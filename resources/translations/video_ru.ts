<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru">
<context>
    <name>CameraListModel</name>
    <message>
        <location filename="../../widgets/video/cameras.py" line="+81"/>
        <source>Camera</source>
        <translation>Камера</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Area</source>
        <translation>Район</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>State</source>
        <translation>Состояние</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>online</source>
        <translation>в сети</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>offline</source>
        <translation>нет связи</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>checking…</source>
        <translation>проверка…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>disabled</source>
        <translation>отключена</translation>
    </message>
</context>
<context>
    <name>SaveLayoutDialog</name>
    <message>
        <location filename="../../widgets/video/panel.py" line="+31"/>
        <source>Save wall layout</source>
        <translation>Сохранить раскладку стены</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Share with all operators</source>
        <translation>Доступна всем операторам</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Name</source>
        <translation>Название</translation>
    </message>
</context>
<context>
    <name>VideoTile</name>
    <message>
        <location filename="../../widgets/video/tile.py" line="+132"/>
        <source>Drop a camera here</source>
        <translation>Перетащите сюда камеру</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Connecting…</source>
        <translation>Подключение…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>last frame {0}</source>
        <translation>последний кадр {0}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>no frame received yet</source>
        <translation>кадров ещё не было</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>NO SIGNAL</source>
        <translation>НЕТ СИГНАЛА</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+16"/>
        <source>The stream failed</source>
        <translation>Поток не работает</translation>
    </message>
    <message>
        <location line="-11"/>
        <source>Connection refused: the camera or its server is down</source>
        <translation>Соединение отклонено: камера или её сервер не работают</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The camera has no such stream (404): check the URL</source>
        <translation>У камеры нет такого потока (404): проверьте адрес</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The camera refused the user name or password</source>
        <translation>Камера не приняла имя пользователя или пароль</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The camera refused access (403)</source>
        <translation>Камера запретила доступ (403)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The stream URL is not valid</source>
        <translation>Неверный адрес потока</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Unknown host name: check the URL</source>
        <translation>Неизвестное имя узла: проверьте адрес</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The camera cannot be reached: check the host name and the network</source>
        <translation>Камера недоступна: проверьте имя узла и сеть</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The camera does not answer (timeout)</source>
        <translation>Камера не отвечает (тайм-аут)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Not a video stream: the server sends data that cannot be decoded</source>
        <translation>Это не видеопоток: сервер присылает данные, которые нельзя декодировать</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The stream ended</source>
        <translation>Поток закончился</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The camera dropped the connection</source>
        <translation>Камера разорвала соединение</translation>
    </message>
</context>
<context>
    <name>VideoWallPanel</name>
    <message>
        <location filename="../../widgets/video/panel.py" line="+40"/>
        <source>Snapshot saved: {0}</source>
        <translation>Снимок сохранён: {0}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Snapshot failed: {0}</source>
        <translation>Не удалось сохранить снимок: {0}</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Wall layout</source>
        <translation>Раскладка стены</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Saved layouts (yours and shared)</source>
        <translation>Сохранённые раскладки (ваши и общие)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Save…</source>
        <translation>Сохранить…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Delete</source>
        <translation>Удалить</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Tour</source>
        <translation>Обход</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cycle all cameras through the wall</source>
        <translation>Показывать все камеры на стене по очереди</translation>
    </message>
    <message>
        <location line="+2"/>
        <source> s</source>
        <translation> с</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+216"/>
        <source>Snapshot</source>
        <translation>Снимок</translation>
    </message>
    <message>
        <location line="-215"/>
        <source>Save the selected tile&apos;s picture to a file</source>
        <translation>Сохранить кадр выбранной ячейки в файл</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Detach</source>
        <translation>Открепить</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Move the wall into its own window (for a second monitor)</source>
        <translation>Вынести стену в отдельное окно (для второго монитора)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Layout</source>
        <translation>Раскладка</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Filter by name or address</source>
        <translation>Фильтр по названию или адресу</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+74"/>
        <source>All areas</source>
        <translation>Все районы</translation>
    </message>
    <message>
        <location line="-44"/>
        <source>The wall is in its own window. Close that window to bring it back.</source>
        <translation>Стена открыта в отдельном окне. Закройте его, чтобы вернуть стену сюда.</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>the server cannot be reached; the wall keeps showing the cameras it has</source>
        <translation>сервер недоступен; стена продолжает показывать известные ей камеры</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Cameras could not be loaded: {0}</source>
        <translation>Не удалось загрузить камеры: {0}</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>— saved layouts —</source>
        <translation>— сохранённые раскладки —</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{0} (shared by {1})</source>
        <translation>{0} (общая, {1})</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{0} (shared)</source>
        <translation>{0} (общая)</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>Layout “{0}” saved</source>
        <translation>Раскладка «{0}» сохранена</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>No picture to save on this tile</source>
        <translation>В этой ячейке нет кадра для сохранения</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>Reset zoom</source>
        <translation>Сбросить увеличение</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Fill the wall</source>
        <translation>Во всю стену</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove from the wall</source>
        <translation>Убрать со стены</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Back to the wall</source>
        <translation>Вернуться к стене</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Open the archive here</source>
        <translation>Открыть архив с этого момента</translation>
    </message>
</context>
<context>
    <name>WallWindow</name>
    <message>
        <location line="-292"/>
        <source>Video wall</source>
        <translation>Видеостена</translation>
    </message>
</context>
</TS>

<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru">
<context>
    <name>IntersectionTile</name>
    <message>
        <source>coordinated</source>
        <translation>координация</translation>
    </message>
    <message>
        <source>free</source>
        <translation>свободный</translation>
    </message>
    <message>
        <source>flash</source>
        <translation>мигание</translation>
    </message>
    <message>
        <source>manual</source>
        <translation>ручной</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>нет связи</translation>
    </message>
    <message>
        <source>no data</source>
        <translation>нет данных</translation>
    </message>
    <message>
        <source>plan {0} · cycle {1} s</source>
        <translation>план {0} · цикл {1} с</translation>
    </message>
    <message>
        <source>next: Ф{0}</source>
        <translation>далее: Ф{0}</translation>
    </message>
    <message>
        <source>{0}/{1} s</source>
        <translation>{0}/{1} с</translation>
    </message>
    <message>
        <source>detectors</source>
        <translation>детекторы</translation>
    </message>
</context>
<context>
    <name>IntersectionsPanel</name>
    <message>
        <source>Phase</source>
        <translation>Фаза</translation>
    </message>
    <message>
        <source>Measures, 24 h</source>
        <translation>Показатели за 24 ч</translation>
    </message>
    <message>
        <source>Coordination diagram</source>
        <translation>Диаграмма координации</translation>
    </message>
    <message>
        <source>Timing plans</source>
        <translation>Планы регулирования</translation>
    </message>
    <message>
        <source>Choose an intersection</source>
        <translation>Выберите перекрёсток</translation>
    </message>
    <message>
        <source>Camera to the wall</source>
        <translation>Камеру на видеостену</translation>
    </message>
    <message>
        <source>Plan</source>
        <translation>План</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>Период</translation>
    </message>
    <message>
        <source>Days</source>
        <translation>Дни</translation>
    </message>
    <message>
        <source>Cycle, s</source>
        <translation>Цикл, с</translation>
    </message>
    <message>
        <source>Greens, s</source>
        <translation>Зелёный, с</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Источник</translation>
    </message>
    <message>
        <source>In force</source>
        <translation>Действует</translation>
    </message>
    <message>
        <source>weekdays</source>
        <translation>будни</translation>
    </message>
    <message>
        <source>every day</source>
        <translation>ежедневно</translation>
    </message>
    <message>
        <source>Recommend (Webster)</source>
        <translation>Рассчитать (Вебстер)</translation>
    </message>
    <message>
        <source>Save and apply</source>
        <translation>Сохранить и применить</translation>
    </message>
    <message>
        <source>Roll back</source>
        <translation>Откатить</translation>
    </message>
    <message>
        <source>Needs the supervisor role</source>
        <translation>Нужна роль старшего смены</translation>
    </message>
    <message>
        <source>Ask for a recommendation to compare it with the plan in force.</source>
        <translation>Рассчитайте рекомендацию, чтобы сравнить её с действующим планом.</translation>
    </message>
    <message>
        <source>Intersections</source>
        <translation>Перекрёстки</translation>
    </message>
    <message>
        <source>weekends</source>
        <translation>выходные</translation>
    </message>
    <message>
        <source>engineer</source>
        <translation>инженер</translation>
    </message>
    <message>
        <source>Webster</source>
        <translation>Вебстер</translation>
    </message>
    <message>
        <source>Measures</source>
        <translation>Показатели</translation>
    </message>
    <message>
        <source>Recommendation</source>
        <translation>Рекомендация</translation>
    </message>
    <message>
        <source>{0} s</source>
        <translation>{0} с</translation>
    </message>
    <message>
        <source>Cycle</source>
        <translation>Цикл</translation>
    </message>
    <message>
        <source>Greens</source>
        <translation>Зелёный</translation>
    </message>
    <message>
        <source>Expected delay per vehicle</source>
        <translation>Ожидаемая задержка на автомобиль</translation>
    </message>
    <message>
        <source>Stage {0} (Ф{1}): flow, capacity, x</source>
        <translation>Такт {0} (Ф{1}): поток, пропускная способность, x</translation>
    </message>
    <message>
        <source>{0} / {1} pcu/h, x = {2}</source>
        <translation>{0} / {1} прив. ед./ч, x = {2}</translation>
    </message>
    <message>
        <source>Recommended</source>
        <translation>Рекомендуемый</translation>
    </message>
    <message>
        <source>Over capacity: Y = {0:.2f} ≥ 0.95, no cycle serves this demand; the longest allowed cycle is shown.</source>
        <translation>Перегрузка: Y = {0:.2f} ≥ 0,95, никакой цикл не обслужит такой спрос; показан наибольший допустимый цикл.</translation>
    </message>
    <message>
        <source>Y = {0:.2f}, lost time {1:.0f} s, Webster&apos;s optimum {2:.0f} s; flows {3}.</source>
        <translation>Y = {0:.2f}, потерянное время {1:.0f} с, оптимум Вебстера {2:.0f} с; потоки {3}.</translation>
    </message>
    <message>
        <source>measured</source>
        <translation>измеренные</translation>
    </message>
    <message>
        <source>given</source>
        <translation>заданные</translation>
    </message>
    <message>
        <source>Apply plan</source>
        <translation>Применение плана</translation>
    </message>
    <message>
        <source>No camera at this intersection</source>
        <translation>На этом перекрёстке нет камеры</translation>
    </message>
    <message>
        <source>Camera</source>
        <translation>Камера</translation>
    </message>
</context>
<context>
    <name>Layers</name>
    <message>
        <source>Intersections</source>
        <translation>Перекрёстки</translation>
    </message>
</context>
<context>
    <name>Panels</name>
    <message>
        <source>Intersections</source>
        <translation>Перекрёстки</translation>
    </message>
</context>
<context>
    <name>SignalsCharts</name>
    <message>
        <source>Volume, veh/15 min</source>
        <translation>Интенсивность, авт./15 мин</translation>
    </message>
    <message>
        <source>Arrivals on green, %</source>
        <translation>Прибытия на зелёный, %</translation>
    </message>
    <message>
        <source>Split failures per 15 min</source>
        <translation>Непроезды за 15 мин</translation>
    </message>
    <message>
        <source>Split monitor: mean green, s</source>
        <translation>Монитор фаз: средний зелёный, с</translation>
    </message>
    <message>
        <source>Time in cycle, s</source>
        <translation>Время в цикле, с</translation>
    </message>
    <message>
        <source>Phase {0}: arrivals on green {1}</source>
        <translation>Фаза {0}: прибытия на зелёный {1}</translation>
    </message>
</context>
<context>
    <name>Tiles</name>
    <message>
        <source>Coordinated</source>
        <translation>Координированный</translation>
    </message>
    <message>
        <source>Free</source>
        <translation>Свободный</translation>
    </message>
    <message>
        <source>Manual</source>
        <translation>Ручной</translation>
    </message>
    <message>
        <source>Flashing</source>
        <translation>Мигание</translation>
    </message>
    <message>
        <source>No link</source>
        <translation>Нет связи</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>Неизвестно</translation>
    </message>
    <message>
        <source>Intersections by mode</source>
        <translation>Перекрёстки по режимам</translation>
    </message>
    <message>
        <source>Intersections in fault</source>
        <translation>Перекрёстки в неисправности</translation>
    </message>
    <message>
        <source>of {intersections} intersections</source>
        <translation>из {intersections} перекрёстков</translation>
    </message>
</context>
</TS>

"""The demo city's cameras and where the simulated city serves their streams.

Demo data both sides read: the backend's demo seeding registers these cameras with these
URLs, and the simulated city (`citysim.cameras`) serves the streams there.
"""

from __future__ import annotations

from dataclasses import dataclass

RTSP_PORT = 8554
HTTP_PORT = 8090


@dataclass(frozen=True)
class DemoCamera:
    slug: str
    name: str
    area: str
    lat: float
    lon: float
    address: str
    kind: str  # "rtsp" (H.264) or "mjpeg"


# Kurchatov: the two squares, the 4 smart intersections, the 8 smart stops, the embankment.
DEMO_CAMERAS: tuple[DemoCamera, ...] = (
    DemoCamera("square-admin", "Площадь у администрации", "Площади", 51.6604, 35.6518, "пр. Коммунистический, 16", "rtsp"),
    DemoCamera("square-energetik", "Площадь у ДК «Энергетик»", "Площади", 51.6588, 35.6502, "ул. Энергетиков", "rtsp"),
    DemoCamera("x-kommun-kosmonavtov", "Перекрёсток Коммунистический / Космонавтов", "Перекрёстки", 51.6596, 35.6480, "пр. Коммунистический × ул. Космонавтов", "rtsp"),
    DemoCamera("x-energetikov-kommun", "Перекрёсток Энергетиков / Коммунистический", "Перекрёстки", 51.6610, 35.6460, "ул. Энергетиков × пр. Коммунистический", "rtsp"),
    DemoCamera("x-leningr-kosmonavtov", "Перекрёсток Ленинградская / Космонавтов", "Перекрёстки", 51.6530, 35.6495, "ул. Ленинградская × ул. Космонавтов", "rtsp"),
    DemoCamera("x-molodezh-gaidara", "Перекрёсток Молодёжная / Гайдара", "Перекрёстки", 51.6675, 35.6580, "ул. Молодёжная × ул. Гайдара", "rtsp"),
    DemoCamera("embankment", "Набережная", "Набережная", 51.6435, 35.6560, "ул. Набережная", "rtsp"),
    DemoCamera("stop-admin", "Остановка «Администрация»", "Умные остановки", 51.6601, 35.6530, "пр. Коммунистический", "mjpeg"),
    DemoCamera("stop-hospital", "Остановка «Больница»", "Умные остановки", 51.6660, 35.6500, "ул. Космонавтов", "mjpeg"),
    DemoCamera("stop-energetik", "Остановка «ДК Энергетик»", "Умные остановки", 51.6585, 35.6510, "ул. Энергетиков", "mjpeg"),
    DemoCamera("stop-stadium", "Остановка «Стадион»", "Умные остановки", 51.6565, 35.6590, "ул. Школьная", "mjpeg"),
    DemoCamera("stop-bus-station", "Остановка «Автовокзал»", "Умные остановки", 51.6678, 35.6685, "пр. Коммунистический", "mjpeg"),
    DemoCamera("stop-lukashevka", "Остановка «Станция Лукашевка»", "Умные остановки", 51.6490, 35.6650, "ул. Ленинградская", "mjpeg"),
    DemoCamera("stop-molodezhnaya", "Остановка «Молодёжная»", "Умные остановки", 51.6670, 35.6520, "ул. Молодёжная", "mjpeg"),
    DemoCamera("stop-park", "Остановка «Городской парк»", "Умные остановки", 51.6552, 35.6505, "ул. Мира", "mjpeg"),
)


def stream_urls(cam: DemoCamera, *, rtsp_port: int = RTSP_PORT, http_port: int = HTTP_PORT,
                host: str = "127.0.0.1") -> tuple[str, str]:
    """(main, sub) stream URLs: RTSP mounts <slug>/main|sub, or MJPEG over HTTP at /<slug>/main|sub."""
    if cam.kind == "rtsp":
        return f"rtsp://{host}:{rtsp_port}/{cam.slug}/main", f"rtsp://{host}:{rtsp_port}/{cam.slug}/sub"
    return f"http://{host}:{http_port}/{cam.slug}/main", f"http://{host}:{http_port}/{cam.slug}/sub"

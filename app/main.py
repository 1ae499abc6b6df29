"""sc-desk: the operator desktop."""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys

if os.geteuid() == 0 if hasattr(os, "geteuid") else False:
    # QtWebEngine refuses to run as root without this.
    os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")


def choose_renderer(choice: str | None = None) -> str:
    """Pick Qt Quick's scene graph backend (the map's web view draws through it); call before
    the QApplication exists. Returns "software" or "opengl".

    OpenGL is Qt's default, and without a GPU it is Mesa's llvmpipe running on the GUI thread:
    30–60 ms of GUI CPU for every web frame of the map, which breaks the "never blocked over
    50 ms" rule; the software scene graph stays under it (bench/map.py). So "auto" (the default,
    or SC_DESK_RENDERER=auto) uses OpenGL only where a GPU render node exists;
    SC_DESK_RENDERER=software or =opengl forces one."""
    choice = (choice or os.environ.get("SC_DESK_RENDERER") or "auto").strip().lower()
    if choice not in ("auto", "software", "opengl"):
        logging.getLogger(__name__).warning("SC_DESK_RENDERER=%r is not auto, software or opengl; using auto",
                                            choice)
        choice = "auto"
    if choice == "auto":
        choice = "opengl" if _has_gpu() else "software"
    if choice == "software":
        from PySide6.QtQuick import QQuickWindow, QSGRendererInterface

        QQuickWindow.setGraphicsApi(QSGRendererInterface.GraphicsApi.Software)
    return choice


def _has_gpu() -> bool:
    if sys.platform.startswith("linux"):
        import glob

        return bool(glob.glob("/dev/dri/renderD*"))
    return True  # Windows and macOS always have a hardware (or vendor) OpenGL/D3D path


def quit_on_signals(app) -> None:
    """SIGINT (Ctrl+C) and SIGTERM close the windows, so the layout is saved, and end the loop.

    Qt's event loop runs in C++, and Python runs its signal handlers only when it next runs
    Python code; the C-level handler's wake-up byte goes to a socket the loop watches, so
    the handler runs at once even on an idle desktop.
    """
    import signal
    import socket

    from PySide6.QtCore import QSocketNotifier

    rsock, wsock = socket.socketpair()
    rsock.setblocking(False)
    wsock.setblocking(False)
    signal.set_wakeup_fd(wsock.fileno(), warn_on_full_buffer=False)
    notifier = QSocketNotifier(rsock.fileno(), QSocketNotifier.Type.Read, app)

    def drain() -> None:
        try:
            rsock.recv(512)
        except OSError:
            pass

    def stop(signum, _frame) -> None:
        logging.getLogger(__name__).info("%s: closing the desktop", signal.Signals(signum).name)
        app._sc_stop_requested = True  # for run_loop: before exec() there is no loop to quit
        app.closeAllWindows()
        app.quit()

    notifier.activated.connect(drain)
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    app._quit_on_signals = (rsock, wsock, notifier)  # alive as long as the application


def run_loop(app) -> int:
    """app.exec(), unless SIGINT or SIGTERM came while the desktop was starting: QApplication.quit()
    does nothing before exec(), so such a signal would otherwise be lost and the window stay."""
    if getattr(app, "_sc_stop_requested", False):
        app.closeAllWindows()  # the windows made since save their layout like any closing
        return 0
    return app.exec()


def build_context(client, user, settings, *, online: bool = True):
    from app.context import AppContext
    from app.errors import ErrorSink
    from app.events import EventHub
    from app.features import features
    from app.tasks import TaskRunner

    errors = ErrorSink()
    ctx = AppContext(api=client, tasks=TaskRunner(errors), events=EventHub(client), errors=errors,
                     settings=settings, user=user, features=features())
    from app.incidents.gateway import install as install_gateway

    # The incident gateway, outbox first: incidents keep
    # being logged when the server is down. One instance, so events are handled once.
    install_gateway(ctx, online=online)
    return ctx


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sc-desk", description="Situation Center operator desktop")
    parser.add_argument("--server", help="backend URL, e.g. http://127.0.0.1:8765; several, comma-separated, "
                        "to fail over between the servers of one deployment")
    parser.add_argument("--user", help="log in as this user")
    parser.add_argument("--password-file", help="read the password from this file (demo launcher)")
    parser.add_argument("--language", choices=["system", "ru", "en"])
    parser.add_argument("--self-test", action="store_true", help="check this installation headless and exit "
                        "(with --server, --user, --password-file; see app/selftest.py)")
    parser.add_argument("--camera-url", help="with --self-test: also decode one frame of this stream")
    parser.add_argument("--wall", action="store_true", help="only the situation overview, full screen (a room's wall)")
    args = parser.parse_args(argv)
    if args.self_test:
        from app.selftest import run

        return run(args)
    from app import site

    site.prepare()  # log files, proxy, CA certificate and renderer from the (site's) settings

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from app import i18n, theme
    from app.settings import AppSettings

    renderer = choose_renderer()
    QApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    app = QApplication(sys.argv[:1])
    logging.getLogger(__name__).info("scene graph: %s", renderer)
    quit_on_signals(app)
    app.setApplicationName("Situation Center")
    app.setOrganizationName("Smart Kurchatov")
    settings = AppSettings.load()
    if args.server:
        settings.server_url = args.server
    i18n.install(app, args.language or settings.language)
    theme.apply(app, settings.theme)

    from app.login import LoginDialog
    from app.errors import ErrorSink
    from app.tasks import TaskRunner

    from app.offline import credentials

    boot_tasks = TaskRunner(ErrorSink())
    client = user = None
    password = ""
    offline = False
    if args.user and args.password_file:
        from backend_client.client import ApiClient

        with open(args.password_file, encoding="utf-8") as fh:
            password = fh.read().strip()
        try:
            client = ApiClient(settings.server_url)
            user = client.login(args.user, password)  # before any window exists: nothing to freeze
        except Exception as exc:  # fall back to the dialog with the reason
            logging.warning("automatic login failed: %s", exc)
            client = user = None
    if client is None:
        dlg = LoginDialog(boot_tasks, server_url=settings.server_url, username=args.user or settings.last_username,
                          servers=settings.server_urls,
                          offline_login=credentials.offline_login)
        if dlg.exec() != LoginDialog.DialogCode.Accepted:
            return 1
        client, user, offline, password = dlg.client, dlg.user, dlg.offline, dlg.password.text()
        settings.server_url = ",".join(client.base_urls)
    settings.last_username = user.username
    settings.save()
    client.add_servers(settings.server_urls)  # the site's other servers: where to go when this one stops
    if not offline and password:  # so that this operator can start here when the server is down
        try:
            credentials.remember_login(client.base_url, user.username, password, user, client.token)
        except OSError as exc:
            logging.warning("could not keep the offline login: %s", exc)
    password = ""
    boot_tasks.shutdown()

    from app.mainwindow import MainWindow
    from widgets.map.panel import start_web_engine

    # Everything up to the window's show() runs while no window is on screen (the login
    # dialog has closed), so it can freeze nothing. Chromium's start-up is one call of
    # 0.1-0.5 s that cannot be split: it goes first, not into a visible window's event loop.
    start_web_engine()
    ctx = build_context(client, user, settings, online=not offline)
    if args.wall:
        from widgets.room.wall import open_wall

        window = open_wall(ctx)  # full screen on the screen it used last, or on one that is free
    else:
        window = MainWindow(ctx)
    ctx.events.start()
    # Start-up objects live for the whole shift: keep full GC passes (which stop the GUI
    # thread too) from walking them again and again — up to ~200 ms pauses otherwise. Before
    # the show: the collection itself takes 30-100 ms.
    gc.collect()
    gc.freeze()
    if args.wall:
        pass
    elif settings.window_geometry:
        window.show()
    else:
        window.showMaximized()  # first start on a control-room screen: all of it
    code = run_loop(app)
    ctx.events.stop()
    ctx.incidents.shutdown()
    ctx.tasks.shutdown()
    return code


if __name__ == "__main__":
    sys.exit(main())

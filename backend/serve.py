"""`sc-server --workers N`: one process accepts, N worker processes serve, connections dealt round-robin.

Why not `uvicorn --workers N`: there every worker accepts from one shared socket, and whichever
wakes first takes the connection. Desktop clients keep their connections open for a whole shift,
so that race decides the load for hours: with 8 keep-alive connections and 2 workers, splits of
6/2, 7/1 and 8/0 were common here, and the busier worker's queue is what dispatchers wait on
(bench/incidents.py). Node's cluster module deals connections round-robin from the primary for
the same reason; this does the same with SCM_RIGHTS, one small message per connection (not
per request), so the spread is even to within one connection.

The parent runs migrations once, then starts the workers; on SQLite worker 0 holds every
once-per-deployment duty (backend/duties.py; on PostgreSQL leases decide, across workers and
instances alike). A worker that dies is started again. SIGTERM/SIGINT: see GracefulServer.
"""

from __future__ import annotations

import asyncio
import logging
import os
import selectors
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field

import uvicorn

log = logging.getLogger("sc-server")

_CHANNEL_FD_ENV = "SC_SERVE_CHANNEL_FD"  # read by the worker entry point below, not a Settings field


@dataclass
class _Worker:
    index: int
    proc: subprocess.Popen
    channel: socket.socket
    started: float = field(default_factory=time.monotonic)


def serve(*, host: str, port: int, workers: int, env: dict[str, str]) -> int:
    """Accept on host:port and hand each connection to the next worker; returns on SIGINT/SIGTERM."""
    listener = socket.create_server((host, port), backlog=2048)
    listener.setblocking(False)
    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    pool = [_start(i, env) for i in range(workers)]
    log.info("sc-server on http://%s:%d: %d worker processes, connections dealt round-robin", host, port, workers)
    sel = selectors.DefaultSelector()
    sel.register(listener, selectors.EVENT_READ)
    turn = 0
    try:
        while not stopping:
            for i, w in enumerate(pool):
                if w.proc.poll() is not None:
                    log.error("worker %d exited with %s; starting it again", w.index, w.proc.returncode)
                    w.channel.close()
                    if time.monotonic() - w.started < 2:
                        time.sleep(1)  # do not spin on a worker that cannot start
                    pool[i] = _start(w.index, env)
            if not sel.select(timeout=0.5):
                continue
            while True:
                try:
                    conn, _ = listener.accept()
                except (BlockingIOError, InterruptedError):
                    break
                except OSError as exc:  # e.g. EMFILE: log, keep serving the connections we have
                    log.error("accept failed: %s", exc)
                    time.sleep(0.1)
                    break
                with conn:
                    for _ in range(len(pool)):
                        w = pool[turn % len(pool)]
                        turn += 1
                        try:
                            socket.send_fds(w.channel, [b"c"], [conn.fileno()])
                            break
                        except OSError:  # that worker is going away or stuck; try the next one
                            continue
    finally:
        sel.close()
        listener.close()
        for w in pool:
            w.channel.close()  # workers treat end-of-channel as "finish and exit"
            if w.proc.poll() is None:
                w.proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for w in pool:
            try:
                w.proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                w.proc.kill()
    return 0


def _start(index: int, env: dict[str, str]) -> _Worker:
    parent_end, child_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    worker_env = {**os.environ, **env, _CHANNEL_FD_ENV: str(child_end.fileno()), "SC_SERVE_WORKER": str(index)}
    if worker_env.get("SC_INSTANCE"):  # each worker is an instance of its own in leases and health
        worker_env["SC_INSTANCE"] = f"{worker_env['SC_INSTANCE']}/{index}"
    if index > 0:  # the process-wide duties run once, in worker 0
        worker_env.update(SC_RUN_INGEST="false", SC_RUN_RECORDER="false")
    proc = subprocess.Popen([sys.executable, "-m", "backend.serve"], env=worker_env, pass_fds=[child_end.fileno()])
    child_end.close()
    # A worker that stops reading its channel must not stop the parent accepting: after 1 s
    # the hand-over fails and the connection goes to the next worker.
    parent_end.settimeout(1.0)
    return _Worker(index, proc, parent_end)


# ---------------------------------------------------------------- stopping

class GracefulServer(uvicorn.Server):
    """uvicorn that, when it begins to stop, tells the app's event streams to end (they ask their
    desktops to reconnect), so SIGTERM is not held up by streams that would otherwise stay open for
    a whole shift; in-flight requests get `shutdown_grace_seconds` to finish."""

    def __init__(self, config: uvicorn.Config, app) -> None:
        config.timeout_graceful_shutdown = app.state.settings.shutdown_grace_seconds
        super().__init__(config)
        self._app = app

    async def shutdown(self, sockets=None) -> None:
        from backend.events.service import notifier

        self._app.state.stopping.set()
        notifier.notify()  # wake the streams now rather than at their next poll
        await super().shutdown(sockets=sockets)


def run_single(app, *, host: str, port: int) -> None:
    """`sc-server` without --workers: one process serving host:port until SIGTERM/SIGINT."""
    GracefulServer(uvicorn.Config(app, host=host, port=port, log_level="info", access_log=False), app).run()


# ---------------------------------------------------------------- worker side

class _HandedServer(GracefulServer):
    """A uvicorn server without a listening socket of its own: it serves the connections the
    parent hands over on `channel`, and finishes when the parent closes the channel."""

    def __init__(self, config: uvicorn.Config, app, channel: socket.socket) -> None:
        super().__init__(config, app)
        self._channel = channel

    async def startup(self, sockets=None) -> None:
        await super().startup(sockets=[])
        asyncio.get_running_loop().add_reader(self._channel.fileno(), self._take)

    def _protocol(self) -> asyncio.Protocol:
        return self.config.http_protocol_class(config=self.config, server_state=self.server_state,
                                               app_state=self.lifespan.state)

    def _take(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            msg, fds, _, _ = socket.recv_fds(self._channel, 64, 32)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            msg, fds = b"", []
        for fd in fds:
            sock = socket.socket(fileno=fd)
            sock.setblocking(False)
            loop.create_task(loop.connect_accepted_socket(self._protocol, sock))
        if not msg:  # the parent is gone or stopping
            loop.remove_reader(self._channel.fileno())
            self.should_exit = True


def _worker_main() -> int:
    from backend.app import create_app

    channel = socket.socket(fileno=int(os.environ.pop(_CHANNEL_FD_ENV)))
    channel.setblocking(False)
    app = create_app(run_migrations=False)  # the parent migrated
    _HandedServer(uvicorn.Config(app, log_level="warning", access_log=False), app, channel).run()
    return 0


if __name__ == "__main__":
    sys.exit(_worker_main())

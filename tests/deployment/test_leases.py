"""Once-per-deployment duties by lease: two real `sc-server` processes on one PostgreSQL."""

from __future__ import annotations

import threading
import time

import pytest
import requests

from tests.deployment.cluster import Instance, add_users, cli, duties, token

pytestmark = pytest.mark.postgres


def _held(inst: Instance, admin: str) -> dict[str, str]:
    """{duty: holder} of the duties that run (the ones the settings turn off have no holder)."""
    return {d["name"]: d["holder"] for d in duties(inst.url, admin) if d["holder"]}


def _wait_held_by(inst: Instance, admin: str, names: set[str], who: str, timeout: float) -> float:
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        try:
            held = _held(inst, admin)
            if all(held.get(n) == who for n in names):
                return time.monotonic() - t0
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{who} did not take {names} in {timeout} s: {_held(inst, admin)}")


def test_killed_holder_hands_its_duties_over_within_10_s(fresh_pg, tmp_path):
    cli(fresh_pg, "migrate")
    add_users(fresh_pg, ("admin",))
    a = Instance(fresh_pg, tmp_path).start()
    b = Instance(fresh_pg, tmp_path).start()
    try:
        admin = token(a.url, "admin")
        names = {"energy:backend.energy.rules:rules_service", "retention:backend.retention:retention_service",
                 "works:backend.works.duty:works_service",
                 "recordings:backend.recordings.outages:outage_duty"}
        deadline = time.monotonic() + 30
        while not names <= set(_held(a, admin)):
            assert time.monotonic() < deadline, _held(a, admin)
            time.sleep(0.2)
        held = _held(a, admin)
        assert _held(b, admin) == held  # both see the same holders: PostgreSQL's locks
        # Exactly one instance runs each duty.
        here_a = {d["name"] for d in duties(a.url, admin) if d["held_here"]}
        here_b = {d["name"] for d in duties(b.url, admin) if d["held_here"]}
        assert not here_a & here_b and names <= here_a | here_b
        # Kill the holder of the energy rules; the other takes everything it held.
        victim, survivor = (a, b) if held["energy:backend.energy.rules:rules_service"].endswith(f":{a.port}") else (b, a)
        names_victim = {n for n, h in held.items() if h.endswith(f":{victim.port}")}
        victim.kill()
        took = _wait_held_by(survivor, admin, names_victim, f"{survivor_name(survivor)}", 10)
        print(f"hand-over after SIGKILL: {took:.2f} s")
        assert took < 10
    finally:
        a.kill()
        b.kill()


def survivor_name(inst: Instance) -> str:
    import socket

    return f"{socket.gethostname()}:{inst.port}"


def test_sigterm_ends_open_streams_and_hands_duties_over_at_once(fresh_pg, tmp_path):
    cli(fresh_pg, "migrate")
    add_users(fresh_pg, ("admin", "dispatcher"))
    a = Instance(fresh_pg, tmp_path).start()
    try:
        admin = token(a.url, "admin")
        name = "energy:backend.energy.rules:rules_service"
        _wait_held_by(a, admin, {name}, survivor_name(a), 30)
        b = Instance(fresh_pg, tmp_path).start()
        # Desktops holding streams open on the instance about to stop.
        seen: list[list[str]] = []
        ended: list[float] = []

        def hold_stream() -> None:
            lines: list[str] = []
            seen.append(lines)
            with requests.get(f"{a.url}/api/v1/events", headers={"Authorization": f"Bearer {token(a.url, 'dispatcher')}"},
                              stream=True, timeout=(3, 60)) as r:
                for line in r.iter_lines(decode_unicode=True):
                    lines.append(line)
            ended.append(time.monotonic())

        streams = [threading.Thread(target=hold_stream, daemon=True) for _ in range(5)]
        for t in streams:
            t.start()
        deadline = time.monotonic() + 20
        while sum(1 for lines in seen if "event: hello" in lines) < 5:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        t0 = time.monotonic()
        took = a.terminate(timeout=30)
        print(f"stopped {took:.2f} s after SIGTERM with 5 streams open")
        assert took < 10, a.tail()
        for t in streams:
            t.join(5)
        assert len(ended) == 5 and all(e - t0 < 10 for e in ended)
        assert all("event: reconnect" in lines for lines in seen)  # told to go elsewhere, not cut off
        # The other instance took the duty at once (within a poll of its lease).
        handed = _wait_held_by(b, admin, {name}, survivor_name(b), 10)
        print(f"hand-over after SIGTERM: {handed:.2f} s after the exit")
        assert handed < 3
    finally:
        a.kill()
        if "b" in locals():
            b.kill()


def test_sigterm_lets_an_in_flight_upload_finish(tmp_path):
    """A photo upload that is still arriving when SIGTERM comes is stored and answered (201)."""
    from requests.models import RequestEncodingMixin

    db = f"sqlite:///{tmp_path / 'sc.sqlite3'}"
    cli(db, "migrate")
    add_users(db, ("dispatcher",))
    inst = Instance(db, tmp_path).start()
    try:
        hdr = {"Authorization": f"Bearer {token(inst.url, 'dispatcher')}"}
        inc = requests.post(f"{inst.url}/api/v1/incidents", headers=hdr, timeout=10, json={
            "category": "roads", "lat": 51.66, "lon": 35.65, "description": "pothole"}).json()
        photo = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 64
        body, ctype = RequestEncodingMixin._encode_files({"file": ("photo.jpg", photo, "image/jpeg")}, {})
        sent = threading.Event()

        def slowly():  # the body arrives over ~2 s, SIGTERM lands in the middle
            for i in range(0, len(body), max(1, len(body) // 8)):
                yield body[i:i + max(1, len(body) // 8)]
                if i == 0:
                    sent.set()
                time.sleep(0.25)

        answer: list = []
        t = threading.Thread(target=lambda: answer.append(requests.post(
            f"{inst.url}/api/v1/incidents/{inc['id']}/attachments", data=slowly(),
            headers={**hdr, "Content-Type": ctype}, timeout=30)), daemon=True)
        t.start()
        assert sent.wait(10)
        time.sleep(0.3)
        took = inst.terminate(timeout=30)
        t.join(10)
        assert took < 10
        assert answer and answer[0].status_code == 201, answer and answer[0].text
    finally:
        inst.kill()

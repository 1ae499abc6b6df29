"""The frozen desktop as it is shipped: the PyInstaller bundle (built once per change of its inputs,
cached outside the repository) passes its self-test against a real server and camera; the .deb made
from it unpacks to a tree whose sc-desk passes the same self-test, with a valid menu entry, its
icon, declared Depends and no maintainer scripts; the Windows installer script compiles with NSIS;
the server .deb holds the service, its settings and the backup timer example."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import IN_CI
from tests.gui.video_servers import rtsp_server  # noqa: F401 - fixture
from tests.install.helpers import ALL_CHECKS, add_incidents, run_selftest

pytestmark = pytest.mark.slow


def need_tool(tool: str, package: str) -> str:
    found = shutil.which(tool)
    if not found:
        if IN_CI:
            pytest.fail(f"{tool} is missing (Debian package {package}), and CI=true requires it")
        pytest.skip(f"{tool} is missing (Debian package {package})")
    return found


@pytest.fixture(scope="session")
def bundle_dir() -> Path:
    from installer.build import bundle

    return bundle()


@pytest.fixture(scope="session")
def desk_deb(bundle_dir, tmp_path_factory) -> Path:
    from installer.build import version
    from installer.debian import desk_deb

    need_tool("dpkg-deb", "dpkg")
    deb = desk_deb(bundle_dir, tmp_path_factory.mktemp("deb"), version())
    print(f"\n{deb.name}: {deb.stat().st_size / 1024 ** 2:.0f} MiB; bundle "
          f"{sum(p.stat().st_size for p in bundle_dir.rglob('*') if p.is_file() and not p.is_symlink()) / 1024 ** 2:.0f} MiB")
    return deb


def test_frozen_selftest_passes(bundle_dir, live_server, rtsp_server, tmp_path):  # noqa: F811
    add_incidents(live_server, 2)
    result = run_selftest([str(bundle_dir / "sc-desk")], live_server.url, tmp_path,
                          camera_url=rtsp_server.url("cam1/main"))
    assert result.code == 0, result.explain()
    assert result.lines == {name: "PASS" for name in ALL_CHECKS | {"camera"}}, result.explain()
    assert "(frozen bundle)" in result.out  # not the source tree by accident


def test_frozen_selftest_fails_on_a_wrong_password(bundle_dir, live_server, tmp_path):
    result = run_selftest([str(bundle_dir / "sc-desk")], live_server.url, tmp_path, user="intruder")
    assert result.code != 0 and result.lines["login"] == "FAIL", result.explain()


def test_deb_unpacks_to_a_working_installation(desk_deb, live_server, tmp_path):
    root = tmp_path / "root"
    subprocess.run(["dpkg-deb", "-x", str(desk_deb), str(root)], check=True)
    app = root / "opt" / "situation-center" / "desk" / "sc-desk"
    launcher = root / "usr" / "bin" / "sc-desk"
    assert app.is_file() and launcher.is_file()
    assert "exec /opt/situation-center/desk/sc-desk" in launcher.read_text()
    assert launcher.stat().st_mode & 0o111
    add_incidents(live_server, 1)
    result = run_selftest([str(app)], live_server.url, tmp_path)
    assert result.code == 0, result.explain()
    assert result.lines == {name: "PASS" for name in ALL_CHECKS}, result.explain()
    # The launcher on PATH is a shell script starting /opt/...; run it with /opt mapped to the
    # unpacked root by rewriting the one path (no chroot needed to prove it passes arguments on).
    relocated = tmp_path / "sc-desk-launcher"
    relocated.write_text(launcher.read_text().replace("/opt/", f"{root}/opt/"))
    relocated.chmod(0o755)
    help_out = subprocess.run([str(relocated), "--help"], capture_output=True, text=True, timeout=120)
    assert help_out.returncode == 0 and "--self-test" in help_out.stdout, help_out.stderr


def test_deb_metadata_menu_entry_and_icon(desk_deb, tmp_path):
    validate = need_tool("desktop-file-validate", "desktop-file-utils")
    root = tmp_path / "root"
    subprocess.run(["dpkg-deb", "-x", str(desk_deb), str(root)], check=True)
    entry = root / "usr" / "share" / "applications" / "situation-center.desktop"
    checked = subprocess.run([validate, str(entry)], capture_output=True, text=True)
    assert checked.returncode == 0 and not checked.stdout.strip(), checked.stdout + checked.stderr
    fields = dict(line.split("=", 1) for line in entry.read_text().splitlines() if "=" in line)
    assert fields["Exec"].split()[0] == "sc-desk" and (root / "usr" / "bin" / "sc-desk").exists()
    assert (root / "usr/share/icons/hicolor/256x256/apps" / f"{fields['Icon']}.png").is_file()
    control = subprocess.run(["dpkg-deb", "-f", str(desk_deb)], capture_output=True, text=True, check=True).stdout
    depends = next(line for line in control.splitlines() if line.startswith("Depends:"))
    # PyInstaller carries most libraries (NSS, xkbcommon, …); the system keeps libc, GL/EGL and X/Wayland.
    for package in ("libc6", "libegl1", "libgl1", "libxcb1", "libfontconfig1"):
        assert package in depends, depends
    # apt resolves the declared Depends (a dry run: this shared machine is not changed).
    apt = need_tool("apt-get", "apt")
    dry = subprocess.run([apt, "install", "-s", "-q", str(desk_deb)], capture_output=True, text=True, timeout=300)
    assert dry.returncode == 0 and "Inst situation-center-desk" in dry.stdout, dry.stdout + dry.stderr
    # Nothing runs at install time, so nothing can be downloaded then.
    meta = tmp_path / "DEBIAN"
    subprocess.run(["dpkg-deb", "-e", str(desk_deb), str(meta)], check=True)
    assert sorted(p.name for p in meta.iterdir()) == ["control", "md5sums"] or \
        sorted(p.name for p in meta.iterdir()) == ["control"]


def test_windows_installer_script_compiles(tmp_path):
    """makensis builds the installer from the script (with a stand-in for the Windows bundle,
    which only a Windows machine can make); the installer runs only on Windows."""
    makensis = need_tool("makensis", "nsis")
    bundle = tmp_path / "sc-desk"
    (bundle / "_internal").mkdir(parents=True)
    (bundle / "sc-desk.exe").write_bytes(b"MZ stand-in")
    (bundle / "_internal" / "python312.dll").write_bytes(b"stand-in")
    out = tmp_path / "situation-center-desk-setup.exe"
    root = Path(__file__).resolve().parents[2]
    res = subprocess.run([makensis, "-V2", "-DVERSION=0.1.0", f"-DBUNDLE={bundle}",
                          f"-DOUTFILE={out}", "sc-desk.nsi"], cwd=root / "installer", capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr
    assert out.read_bytes()[:2] == b"MZ" and b"Nullsoft" in out.read_bytes()


def test_server_deb_holds_service_settings_and_timer(tmp_path):
    from installer.build import version
    from installer.debian import server_deb, server_wheel

    need_tool("dpkg-deb", "dpkg")
    deb = server_deb(server_wheel(tmp_path), tmp_path, version())
    root = tmp_path / "root"
    subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
    unit = (root / "lib/systemd/system/sc-server.service").read_text()
    assert "User=sc-server" in unit and "EnvironmentFile=/etc/situation-center/server.env" in unit
    env = (root / "etc/situation-center/server.env").read_text()
    assert "SC_DATABASE_URL=" in env and "SC_SECRET_KEY=" in env
    assert (root / "usr/share/doc/situation-center-server/examples/sc-server-backup.timer").is_file()
    reqs = (root / "opt/situation-center/server/requirements.txt").read_text().lower()
    assert "--hash=sha256:" in reqs and "fastapi==" in reqs and "\npyside6" not in reqs
    meta = tmp_path / "DEBIAN"
    subprocess.run(["dpkg-deb", "-e", str(deb), str(meta)], check=True)
    assert (meta / "conffiles").read_text().strip() == "/etc/situation-center/server.env"
    assert "python3 (>= 3.12)" in (meta / "control").read_text()
    # The maintainer scripts are valid shell.
    for script in ("postinst", "prerm", "postrm"):
        subprocess.run(["sh", "-n", str(meta / script)], check=True)


def test_server_launcher_reads_the_service_settings(tmp_path):
    """/usr/bin/sc-server loads server.env (when it may read it) so that `sc-server check` run by
    an administrator checks the deployment the service runs, not a default SQLite file."""
    from installer.build import version
    from installer.debian import server_deb, server_wheel

    deb = server_deb(server_wheel(tmp_path), tmp_path, version())
    root = tmp_path / "root"
    subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
    launcher = (root / "usr/bin/sc-server").read_text()
    env_file = root / "etc/situation-center/server.env"
    fake = tmp_path / "venv" / "bin"
    fake.mkdir(parents=True)
    (fake / "sc-server").write_text('#!/bin/sh\necho "$SC_DATABASE_URL|$SC_MEDIA_DIR|$*"\n')
    (fake / "sc-server").chmod(0o755)
    script = tmp_path / "sc-server"
    script.write_text(launcher.replace("/etc/situation-center/server.env", str(env_file))
                      .replace("/opt/situation-center/server/venv", str(tmp_path / "venv")))
    script.chmod(0o755)
    env = {"PATH": "/usr/bin:/bin"}
    out = subprocess.run([str(script), "check"], capture_output=True, text=True, env=env, check=True).stdout
    assert out.strip() == "sqlite:////var/lib/situation-center/situation-center.sqlite3|" \
                          "/var/lib/situation-center/media|check"
    env["SC_DATABASE_URL"] = "postgresql+psycopg://elsewhere/db"  # an explicit setting wins
    out = subprocess.run([str(script), "check"], capture_output=True, text=True, env=env, check=True).stdout
    assert out.startswith("postgresql+psycopg://elsewhere/db||check")


"""The Windows version resource of sc-desk.exe (Explorer → Properties → Details), from
pyproject.toml's version; used by installer/sc-desk.spec when building on Windows (PyInstaller's
versioninfo needs pefile, which the lock installs on Windows only, so it is not exercised here)."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def version_info(ver: str | None = None):
    from PyInstaller.utils.win32.versioninfo import (FixedFileInfo, StringFileInfo, StringStruct, StringTable,
                                                     VarFileInfo, VarStruct, VSVersionInfo)

    ver = ver or version()
    nums = tuple(int(x) for x in (ver.split(".") + ["0"] * 4)[:4])
    strings = [StringStruct("CompanyName", "Smart Kurchatov"),
               StringStruct("FileDescription", "Situation Center operator desktop"),
               StringStruct("FileVersion", ver), StringStruct("InternalName", "sc-desk"),
               StringStruct("LegalCopyright", "Smart Kurchatov"),
               StringStruct("OriginalFilename", "sc-desk.exe"), StringStruct("ProductName", "Situation Center"),
               StringStruct("ProductVersion", ver)]
    return VSVersionInfo(ffi=FixedFileInfo(filevers=nums, prodvers=nums),
                         kids=[StringFileInfo([StringTable("040904B0", strings)]),
                               VarFileInfo([VarStruct("Translation", [0x0409, 1200])])])

# Windows build of the desktop: the same lock and spec as `make dist` on Linux.
#   powershell -ExecutionPolicy Bypass -File installer\build.ps1
# Needs Python 3.12 (python.org, x64) and NSIS 3 (makensis on PATH) or Inno Setup 6 (iscc).
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..")
py -3.12 tools\lock.py check
if ($LASTEXITCODE -ne 0) { exit 1 }
if (-not (Test-Path .venv)) { py -3.12 -m venv .venv }
.venv\Scripts\python -m pip install --quiet --require-hashes -r requirements.lock
.venv\Scripts\python -m pip install --quiet --no-deps -e .
.venv\Scripts\python -m installer.build bundle
$version = (.venv\Scripts\python -c "from installer.build import version; print(version())")
if (Get-Command makensis -ErrorAction SilentlyContinue) {
  makensis "-DVERSION=$version" installer\sc-desk.nsi
} else {
  iscc "/DAppVersion=$version" installer\sc-desk.iss
}
# Then, on the workstation: "C:\Program Files\SituationCenter\sc-desk.exe" --self-test --server URL --user U --password-file F

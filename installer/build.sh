#!/usr/bin/env bash
# Builds the desktop as a folder bundle with PyInstaller: dist/sc-desk/.
# On Windows run the same commands in PowerShell, then compile installer/sc-desk.iss.
set -euo pipefail
cd "$(dirname "$0")/.."
make venv
.venv/bin/python -m pip install --quiet pyinstaller
.venv/bin/python -m app.i18n build
.venv/bin/pyinstaller --noconfirm --distpath dist --workpath build/pyinstaller installer/sc-desk.spec
echo "built dist/sc-desk/ (Linux: copy installer/sc-desk.desktop to ~/.local/share/applications)"

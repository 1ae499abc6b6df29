#!/usr/bin/env bash
# Linux: the desktop bundle, its .deb and the server's wheel and .deb in dist/ (= make dist).
# Windows: installer\build.ps1.
set -euo pipefail
cd "$(dirname "$0")/.."
make dist

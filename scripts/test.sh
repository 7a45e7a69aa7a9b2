#!/usr/bin/env bash
# Set up a virtualenv with the app, its test and train extras, then run the whole test suite.
# Usage: bash scripts/test.sh [pytest args]    (VENV=path to choose the virtualenv; default .venv)
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${VENV:-.venv}"

# Qt's offscreen platform needs a few system libraries that minimal Debian images lack.
need=()
for lib in libEGL.so.1 libGL.so.1 libxkbcommon.so.0 libfontconfig.so.1 libdbus-1.so.3 libglib-2.0.so.0; do
  ldconfig -p | grep -q "$lib" || need+=("$lib")
done
if [ ${#need[@]} -gt 0 ] && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
  echo "installing Qt system libraries for: ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libegl1 libgl1 libxkbcommon0 libfontconfig1 \
    libdbus-1-3 libglib2.0-0 >/dev/null
fi

[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --upgrade pip
"$VENV/bin/python" -m pip install -q -e ".[test,train]"
"$VENV/bin/ruff" check colorizer_gui training tests benchmarks scripts
"$VENV/bin/lint-imports"
"$VENV/bin/mypy" colorizer_gui training
QT_QPA_PLATFORM=offscreen "$VENV/bin/python" -m pytest -q -p no:cacheprovider \
  --junitxml="${COLORIZER_JUNIT:-/tmp/colorizer-pytest.xml}" "$@"

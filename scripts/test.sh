#!/usr/bin/env bash
# Set up everything the test suite needs, then run it. Used by the README and by CI.
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages: Chromium for the browser tests, poppler's pdftotext for PDF checks, qpdf and MuPDF's mutool
# for the sealed PDF's readers (tests/render/test_seal_readers.py).
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
command -v qpdf >/dev/null 2>&1 || need+=(qpdf)
command -v mutool >/dev/null 2>&1 || need+=(mupdf-tools)
if [ ${#need[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need[@]}"
fi

# The package and its test extra, in a virtual environment unless one is active
# (Debian's own Python refuses `pip install` outside one).
python=python3
if [ -z "${VIRTUAL_ENV:-}" ]; then
  [ -x .venv/bin/python ] || python3 -m venv --system-site-packages .venv
  python=.venv/bin/python
fi
# Pinned versions (requirements/test.lock, refreshed with scripts/lock.sh), so a fresh machine tests what CI tested.
"$python" -m pip install -q --disable-pip-version-check -c requirements/test.lock -e '.[test]'
# Lint and strict type check first (settings in pyproject.toml): a finding fails the run.
"$python" -m ruff check generator tests
"$python" -m mypy
# The suite runs with its own empty temporary folder (pytest's own folders kept elsewhere), its own cache
# folder and a mark in its environment; afterwards no process it started may still run and the temporary
# folder must be empty (scripts/left_behind.py).
run_root=$(mktemp -d)
trap 'rm -rf "$run_root"' EXIT
mkdir "$run_root/tmp"
mark=$("$python" -c 'import uuid; print(uuid.uuid4().hex)')
status=0
# One worker per core (at most four), each taking whole test files, so a file's module fixtures are built once.
TMPDIR="$run_root/tmp" XDG_CACHE_HOME="$run_root/cache" INCIDENT_GUIDE_TEST_RUN="$mark" \
  "$python" -m pytest --basetemp="$run_root/pytest" --numprocesses auto --maxprocesses 4 --dist loadfile "$@" \
  || status=$?
"$python" scripts/left_behind.py "$run_root/tmp" "$mark" || status=1
exit $status

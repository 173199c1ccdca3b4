#!/usr/bin/env bash
# Refresh requirements/test.lock: the newest releases of the package's dependencies and its test
# extra, resolved in a clean virtual environment (nothing from the system), pinned for the tests and CI.
# Run it, then run the tests (bash scripts/test.sh) and commit the lock with any golden files they change.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/python" -m pip install -q --disable-pip-version-check -e '.[test]'
{
  echo "# The versions the test suite and CI install (pip install -c requirements/test.lock -e '.[test]')."
  echo "# The package itself keeps ranges (pyproject.toml). Refresh: bash scripts/lock.sh"
  "$work/venv/bin/python" -m pip freeze --exclude-editable
} > requirements/test.lock
echo "wrote requirements/test.lock ($(grep -vc '^#' requirements/test.lock) packages)"

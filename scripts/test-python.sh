#!/usr/bin/env bash
# Installs the Python peers the tests drive into a project-local virtual environment, once.
#
#   scripts/test-python.sh VENV_DIR
#
# The environment is made with the machine's python3 and filled from
# fixtures/peers/requirements.txt (every package pinned). A stamp holding the requirements'
# checksum makes a second call a no-op; a changed requirements file rebuilds the environment.
# Nothing is installed into the system Python.
set -euo pipefail
VENV=${1:?usage: test-python.sh VENV_DIR}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
REQUIREMENTS="$ROOT/fixtures/peers/requirements.txt"
STAMP="$VENV/.requirements.sha256"
want=$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)

if [ -x "$VENV/bin/python3" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$want" ]; then
  exit 0
fi

# Debian's python3 needs python3-venv (and ensurepip) for `-m venv`; other builds ship it.
if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  echo "installing: python3-venv"
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
fi

echo "installing the Python test peers into $VENV"
rm -rf "$VENV"
python3 -m venv "$VENV"
"$VENV/bin/python3" -m pip install --quiet --disable-pip-version-check --no-input -r "$REQUIREMENTS"
echo "$want" > "$STAMP"

# Shared by scripts/run and scripts/test: a virtualenv with the project installed.
# Sourced, not run. Sets PY to the venv's python.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON=${PYTHON:-python3}

if [ ! -x .venv/bin/python ]; then
  echo "==> Creating .venv"
  "$PYTHON" -m venv .venv
fi
PY="$ROOT/.venv/bin/python"

# apt packages the app or its tests need; installed only when missing and when we may.
ensure_debs() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "!!  Missing Debian packages: ${missing[*]} (run as root or install them)" >&2
    return 0
  fi
  echo "==> Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

pip_install() {
  # Re-install only when setup.cfg changed since the last install.
  local stamp=".venv/.installed-$1"
  if [ ! -f "$stamp" ] || [ setup.cfg -nt "$stamp" ]; then
    echo "==> Installing Python packages ($1)"
    "$PY" -m pip install -q --upgrade pip >/dev/null
    "$PY" -m pip install -q -e "$2"
    touch "$stamp"
  fi
}

export FLASK_APP=wsgi.py

# Test-only npm tools (package.json: vnu-jar, the Nu HTML Checker, run with the system Java).
# Installed when node_modules is missing or package-lock.json is newer than the last install;
# --ignore-scripts: vnu-jar's postinstall would download a JRE, Debian's is used instead.
ensure_node_modules() {
  command -v npm >/dev/null || ensure_debs nodejs npm
  command -v java >/dev/null || ensure_debs default-jre-headless
  local stamp="node_modules/.installed"
  if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
    echo "==> Installing npm test tools (vnu-jar)"
    npm ci --ignore-scripts --no-audit --no-fund >/dev/null
    touch "$stamp"
  fi
}

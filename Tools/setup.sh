#!/usr/bin/env bash
# Installs what lake needs on a fresh Debian/Ubuntu machine that has the Swift toolchain:
# the C codec libraries (apt) and, with --venv, a Python venv with the engines the interop
# tests compare against (pyarrow, duckdb, polars, deltalake; pinned like ../shared/bench).
# Idempotent: whatever is already there is kept.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
log() { printf 'setup: %s\n' "$*" >&2; }

packages=(libzstd-dev liblz4-dev libsnappy-dev zlib1g-dev)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  log "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get install -y -q "${missing[@]}" >&2 \
    || { $sudo apt-get update -q >&2 && $sudo apt-get install -y -q "${missing[@]}" >&2; }
fi

if [ "${1:-}" = "--venv" ]; then
  venv=${LAKE_VENV:-$root/.venv}
  requirements=$root/Tools/interop/requirements.txt
  stamp=$venv/.installed
  if [ ! -x "$venv/bin/python" ]; then
    log "creating venv $venv"
    python3 -m venv "$venv" >&2 || {
      rm -rf "$venv"
      python3 -m pip install -q --user virtualenv >&2
      python3 -m virtualenv -q "$venv" >&2
    }
  fi
  if [ ! -f "$stamp" ] || ! cmp -s "$stamp" "$requirements"; then
    log "installing interop peers into $venv (pip, from PyPI)"
    "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$requirements" >&2
    cp "$requirements" "$stamp"
  fi
fi

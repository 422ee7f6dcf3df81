#!/usr/bin/env bash
# The Quick-start demo: installs the C libraries lake needs, builds lake (release) and runs
# `lake demo` (SPEC.md §2.4). Extra arguments go to `lake demo` (e.g. --rows 5000000 --threads 1).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash Tools/setup.sh
echo "== build (release)" >&2
swift build -c release --product lake >&2
exec "$(swift build -c release --show-bin-path)/lake" demo "$@"

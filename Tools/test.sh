#!/usr/bin/env bash
# The whole test suite, as CI runs it: set-up, a warnings-as-errors build, the Swift tests, and the
# interop tests in which pyarrow, DuckDB and Polars read what lake writes.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash Tools/setup.sh --venv
echo "== build (debug, warnings as errors)"
swift build -Xswiftc -warnings-as-errors
echo "== swift test"
swift test
echo "== interop"
LAKE_BIN="$(swift build --show-bin-path)/lake" .venv/bin/python Tools/interop/run.py

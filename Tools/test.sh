#!/usr/bin/env bash
# The whole test suite, as CI runs it: set-up, a warnings-as-errors build, the Swift tests, and the
# interop tests in which pyarrow, DuckDB, Polars and deltalake read what lake writes.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# The shared material (conformance corpus, bench) sits beside the repository. A clone made elsewhere
# (e.g. a fresh clone in a temp dir) finds it beside the repository it was cloned from.
if [ -z "${LAKE_SHARED:-}" ]; then
  if [ -d "$root/../shared/conformance" ]; then
    LAKE_SHARED=$(cd "$root/../shared" && pwd)
  else
    origin=$(git -C "$root" remote get-url origin 2>/dev/null || true)
    if [ -n "$origin" ] && [ -d "$origin/../shared/conformance" ]; then LAKE_SHARED=$(cd "$origin/../shared" && pwd); fi
  fi
fi
if [ -z "${LAKE_SHARED:-}" ]; then
  echo "error: the shared material (../shared/conformance) was not found beside $root" >&2
  echo "help: set LAKE_SHARED to the directory that holds conformance/ and bench/" >&2
  exit 1
fi
export LAKE_SHARED
echo "== shared material: $LAKE_SHARED"
bash Tools/setup.sh --venv
echo "== build (debug, warnings as errors)"
swift build -Xswiftc -warnings-as-errors
echo "== swift test"
swift test
echo "== SQL fixtures: expected results still match DuckDB"
.venv/bin/python Tools/sql/verify_duckdb.py > /dev/null || { .venv/bin/python Tools/sql/verify_duckdb.py | grep -v ", 0 failing"; exit 1; }
echo "== interop"
LAKE_BIN="$(swift build --show-bin-path)/lake" .venv/bin/python Tools/interop/run.py
echo "== interop: deltalake reads a table only lake's checkpoint can rebuild"
interop_dir=$(mktemp -d)
trap 'rm -rf "$interop_dir"' EXIT
LAKE_INTEROP_DIR="$interop_dir" swift test --filter CheckpointInteropTable
LAKE_BIN="$(swift build --show-bin-path)/lake" .venv/bin/python Tools/interop/delta_checkpoint.py "$interop_dir"
echo "== Delta interop and reliability (T1 concurrent writers, T2 kill -9, T5 maintenance)"
lake_bin="$(swift build --show-bin-path)/lake"
status=0
LAKE_BIN="$lake_bin" .venv/bin/python Tools/interop/delta_roundtrip.py || status=1
LAKE_BIN="$lake_bin" .venv/bin/python Tools/interop/text_ingest.py || status=1
LAKE_BIN="$lake_bin" .venv/bin/python Tools/interop/stream_ingest.py || status=1
LAKE_BIN="$lake_bin" python3 Tools/reliability/t3_t4_ingest.py || status=1
LAKE_BIN="$lake_bin" .venv/bin/python Tools/reliability/t1_concurrent_writers.py || status=1
LAKE_BIN="$lake_bin" .venv/bin/python Tools/reliability/t2_kill9.py || status=1
LAKE_BIN="$lake_bin" .venv/bin/python Tools/reliability/t5_maintenance.py || status=1
echo "== bench queries at SF0.1 equal DuckDB's answers (SPEC.md §8.5)"
"$LAKE_SHARED/bench/setup.sh" 0.1 >/dev/null
Tools/bench/make_lake.sh 0.1 "$lake_bin" >/dev/null
LAKE_LONG_TESTS=1 swift test --filter BenchQueryTests || status=1
exit $status

#!/bin/sh
# Builds the lake of TPC-H tables that the bench queries run on, from the bench's CSV files:
# CSV -> Parquet with the bench's explicit schema (BIGINT, DOUBLE, DATE, VARCHAR; see
# ../shared/bench/README.md) using pyarrow from the bench venv, then `lake ingest` of each file.
# Usage: Tools/bench/make_lake.sh [SF] [LAKE_BINARY]   (default SF 0.1, debug build of lake)
set -eu
SF="${1:-0.1}"
HOME_DIR="${LAKE_BENCH_HOME:-$HOME/.cache/lake-bench}"
PY="${LAKE_BENCH_VENV:-$HOME_DIR/venv}/bin/python"
DATA="$HOME_DIR/data/sf$SF"
LAKE_BIN="${2:-$(swift build --show-bin-path)/lake}"
mkdir -p "$DATA/lake-parquet"
"$PY" - "$DATA" <<'PY'
import sys, os
import pyarrow as pa, pyarrow.csv as pc, pyarrow.parquet as pq
data = sys.argv[1]
for name in ["lineitem", "orders", "customer", "part", "nation", "region"]:
    src = os.path.join(data, "csv", name + ".csv")
    out = os.path.join(data, "lake-parquet", name + ".parquet")
    if os.path.exists(out) or not os.path.exists(src):
        continue
    header = open(src).readline().strip().split(",")
    types = {}
    for col in header:
        if col.endswith(("date",)):
            types[col] = pa.date32()
        elif col.endswith(("key", "linenumber", "shippriority", "size")):
            types[col] = pa.int64()
        elif col.endswith(("quantity", "extendedprice", "discount", "tax", "totalprice", "acctbal", "retailprice", "supplycost")):
            types[col] = pa.float64()
        else:
            types[col] = pa.string()
    table = pc.read_csv(src, convert_options=pc.ConvertOptions(column_types=types, strings_can_be_null=False))
    pq.write_table(table, out, compression="zstd", row_group_size=122880)
PY
for name in lineitem orders customer part; do
  if [ ! -d "$DATA/lake/$name" ]; then
    "$LAKE_BIN" --lake "$DATA/lake" ingest "$name" "$DATA/lake-parquet/$name.parquet" >/dev/null
  fi
done
echo "$DATA/lake"

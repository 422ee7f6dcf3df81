#!/usr/bin/env python3
"""Ingest benchmark: `lake ingest` of TPC-H SF1 lineitem.csv into a table, next to its peers.

Cells, each a fresh process pinned with `taskset` to the first N cores, timed whole (start-up
included) and, for the Python peers, also around the operation alone:
  lake      `lake --threads N ingest T lineitem.csv --format csv --compression zstd
             [--partition-by l_shipmode]` (a Delta table of zstd Parquet; types inferred)
  duckdb    COPY (FROM read_csv(...)) TO dir (FORMAT parquet, COMPRESSION zstd[, PARTITION_BY])
  polars    pl.scan_csv(...).sink_parquet(..., compression="zstd") (flat only: sink_parquet
             does not partition in every version; the partitioned cell uses write_parquet with
             partition_by)
  deltalake pyarrow.csv.read_csv + deltalake.write_deltalake(..., partition_by)
with explicit schemas for the peers (the shared bench's: decimals as double). Variants: flat,
and partitioned by l_shipmode. Reps are interleaved across engines. The table prints seconds,
CPU seconds (user+sys) and peak RSS, and lake's ratio to the fastest peer of the same run.
The machine may be shared: only ratios of one run mean anything.

    swift build -c release --product lake
    python3 Tools/bench/ingest_bench.py --threads 1,2 --reps 1
Not a timed test: nothing runs it in CI.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HOME = os.environ.get("LAKE_BENCH_HOME") or os.path.join(os.path.expanduser("~"), ".cache", "lake-bench")
VENV_PY = os.path.join(os.environ.get("LAKE_BENCH_VENV") or os.path.join(HOME, "venv"), "bin", "python")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

SCHEMA = [
    ("l_orderkey", "int64"), ("l_partkey", "int64"), ("l_suppkey", "int64"), ("l_linenumber", "int64"),
    ("l_quantity", "float64"), ("l_extendedprice", "float64"), ("l_discount", "float64"), ("l_tax", "float64"),
    ("l_returnflag", "string"), ("l_linestatus", "string"), ("l_shipdate", "date"), ("l_commitdate", "date"),
    ("l_receiptdate", "date"), ("l_shipinstruct", "string"), ("l_shipmode", "string"), ("l_comment", "string"),
]

PEER = r'''
import json, sys, time
engine, variant, csv_path, out, threads = sys.argv[1:6]
threads = int(threads)
schema = json.loads(sys.argv[6])
start = time.perf_counter()
if engine == "duckdb":
    import duckdb
    con = duckdb.connect()
    con.execute(f"SET threads={threads}")
    duck = {"int64": "BIGINT", "float64": "DOUBLE", "string": "VARCHAR", "date": "DATE"}
    columns = "{" + ", ".join(f"'{n}': '{duck[t]}'" for n, t in schema) + "}"
    part = ", PARTITION_BY (l_shipmode)" if variant == "shipmode" else ""
    start = time.perf_counter()
    con.execute(f"COPY (FROM read_csv('{csv_path}', header=true, columns={columns})) TO '{out}' "
                f"(FORMAT parquet, COMPRESSION zstd{part})")
elif engine == "polars":
    import os
    import polars as pl
    kinds = {"int64": pl.Int64, "float64": pl.Float64, "string": pl.String, "date": pl.Date}
    start = time.perf_counter()
    frame = pl.scan_csv(csv_path, schema={n: kinds[t] for n, t in schema})
    if variant == "shipmode":
        frame.collect().write_parquet(out, compression="zstd", partition_by=["l_shipmode"])
    else:
        frame.sink_parquet(out, compression="zstd")
elif engine == "deltalake":
    import pyarrow as pa, pyarrow.csv as pcsv
    import deltalake
    pa.set_cpu_count(threads)
    pa.set_io_thread_count(threads)
    kinds = {"int64": pa.int64(), "float64": pa.float64(), "string": pa.string(), "date": pa.date32()}
    start = time.perf_counter()
    table = pcsv.read_csv(csv_path, convert_options=pcsv.ConvertOptions(column_types={n: kinds[t] for n, t in schema}))
    deltalake.write_deltalake(out, table, partition_by=["l_shipmode"] if variant == "shipmode" else None,
                              writer_properties=deltalake.WriterProperties(compression="ZSTD"))
print(json.dumps({"op_seconds": time.perf_counter() - start}))
'''


def run(command, threads, env=None):
    cores = ",".join(str(i) for i in range(threads))
    start = time.perf_counter()
    process = subprocess.Popen(["taskset", "-c", cores, *command], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env=env)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    out = process.stdout.read().decode()
    err = process.stderr.read().decode()
    code = os.waitstatus_to_exitcode(status)
    return {"seconds": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024,
            "code": code, "out": out, "err": err}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--reps", type=int, default=1)
    parser.add_argument("--variants", default="flat,shipmode")
    parser.add_argument("--engines", default="lake,duckdb,polars,deltalake")
    parser.add_argument("--csv", default=os.path.join(HOME, "data", "sf1", "csv", "lineitem.csv"))
    parser.add_argument("--lake", default=os.path.join(ROOT, ".build", "release", "lake"))
    parser.add_argument("--work", default=None)
    parser.add_argument("--json", default=None)
    args = parser.parse_args()
    if not os.path.exists(args.csv):
        sys.exit(f"error: {args.csv} is missing\nhelp: run ../shared/bench/setup.sh 1")
    work = args.work or tempfile.mkdtemp(prefix="lake-ingest-bench-", dir=os.path.dirname(args.csv))
    results = []
    engines = args.engines.split(",")
    try:
        for threads in [int(t) for t in args.threads.split(",")]:
            for variant in args.variants.split(","):
                for rep in range(args.reps):
                    order = engines if rep % 2 == 0 else list(reversed(engines))
                    for engine in order:
                        out = os.path.join(work, f"{engine}_{variant}_{threads}")
                        shutil.rmtree(out, ignore_errors=True)
                        if engine == "lake":
                            command = [args.lake, "--lake", work, "--threads", str(threads), "ingest",
                                       os.path.basename(out), args.csv, "--format", "csv", "--compression", "zstd",
                                       "--format", "json"]
                            if variant == "shipmode":
                                command += ["--partition-by", "l_shipmode"]
                        else:
                            command = [VENV_PY, "-c", PEER, engine, variant, args.csv, out, str(threads),
                                       json.dumps(SCHEMA)]
                        env = dict(os.environ, POLARS_MAX_THREADS=str(threads), OMP_NUM_THREADS=str(threads))
                        cell = run(command, threads, env)
                        cell.update(engine=engine, variant=variant, threads=threads, rep=rep)
                        if cell["code"] != 0:
                            print(f"FAILED {engine} {variant} t{threads}: {cell['err'][-2000:]}", file=sys.stderr)
                        elif engine == "lake":
                            summary = json.loads(cell["out"].strip().splitlines()[-1])
                            cell["op_seconds"] = summary["seconds"]
                            if summary["rows"] != 6_001_215 and "sf1" in args.csv:
                                print(f"WRONG lake row count {summary['rows']}", file=sys.stderr)
                                cell["code"] = 1
                        else:
                            cell["op_seconds"] = json.loads(cell["out"].strip().splitlines()[-1])["op_seconds"]
                        cell.pop("out")
                        cell.pop("err")
                        results.append(cell)
                        print(f"{engine:9} {variant:8} t{threads} rep{rep}: {cell['seconds']:.2f} s "
                              f"(op {cell.get('op_seconds', float('nan')):.2f} s), cpu {cell['cpu']:.2f} s, "
                              f"rss {cell['rss_mb']:.0f} MB", file=sys.stderr, flush=True)
                        shutil.rmtree(out, ignore_errors=True)
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    print("| variant | threads | engine | seconds (whole process) | op seconds | cpu s | peak RSS MB | lake / fastest peer |")
    print("|---|---|---|---|---|---|---|---|")
    for threads in sorted({r["threads"] for r in results}):
        for variant in args.variants.split(","):
            cells = [r for r in results if r["threads"] == threads and r["variant"] == variant and r["code"] == 0]
            best = {}
            for cell in cells:
                if cell["engine"] not in best or cell["seconds"] < best[cell["engine"]]["seconds"]:
                    best[cell["engine"]] = cell
            peers = [c for e, c in best.items() if e != "lake"]
            fastest = min((c["seconds"] for c in peers), default=None)
            for engine, cell in sorted(best.items(), key=lambda item: item[1]["seconds"]):
                ratio = f"{cell['seconds'] / fastest:.2f}" if engine == "lake" and fastest else ""
                print(f"| {variant} | {threads} | {engine} | {cell['seconds']:.2f} | {cell.get('op_seconds', 0):.2f} | "
                      f"{cell['cpu']:.2f} | {cell['rss_mb']:.0f} | {ratio} |")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(results, handle, indent=1)
    return 1 if any(r["code"] != 0 for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Times `lake query` against the DuckDB CLI on the issue's query list (not a timed test).

Both run as whole processes, pinned to the same cores, with the same thread count, in one run
(reps interleaved). lake reads the Delta tables made by Tools/bench/make_lake.sh; DuckDB reads the
same data as Parquet files (the ones make_lake.sh ingested). Every lake answer is checked against
../shared/bench/expected. Peak memory comes from GNU time.

    Tools/bench/make_lake.sh 1 .build/release/lake
    ~/.cache/lake-bench/venv/bin/python Tools/bench/query_bench.py --sf 1 --threads 1 --lake .build/release/lake
"""
import argparse
import csv
import io
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.join(HERE, "..", "..", "..", "shared", "bench")
QUERIES = ["q1", "q6", "q12", "groupby_high", "point", "count", "topn", "join_agg"]


def run(command, cores):
    pinned = ["taskset", "-c", cores] if cores else []
    start = time.perf_counter()
    result = subprocess.run(pinned + ["/usr/bin/time", "-f", "%M"] + command, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    rss = int(result.stderr.strip().splitlines()[-1]) // 1024 if result.stderr.strip() else 0
    return elapsed, rss, result


def same(a, b):
    if a == b:
        return True
    try:
        x, y = float(a), float(b)
    except ValueError:
        return False
    return abs(x - y) <= max(1e-6, 1e-9 * max(abs(x), abs(y)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sf", default="1")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--lake", required=True)
    parser.add_argument("--duckdb", default=os.path.expanduser("~/.cache/lake-bench/venv/lib/python3.11/site-packages/duckdb_cli/duckdb"))
    parser.add_argument("--queries", default=",".join(QUERIES))
    args = parser.parse_args()
    home = os.environ.get("LAKE_BENCH_HOME", os.path.expanduser("~/.cache/lake-bench"))
    data = os.path.join(home, "data", f"sf{args.sf}")
    lake_root = os.path.join(data, "lake")
    parquet = os.path.join(data, "lake-parquet")
    expected_dir = os.path.join(SHARED, "expected", f"sf{args.sf}")
    checks = json.load(open(os.path.join(expected_dir, "checksums.json")))["queries"]
    cores = ",".join(str(c) for c in range(args.threads))
    views = "".join(
        f"CREATE VIEW {t} AS SELECT * FROM read_parquet('{os.path.join(parquet, t + '.parquet')}');"
        for t in ["lineitem", "orders", "customer", "part"])
    print(f"{'query':14s} {'lake s':>8s} {'duckdb s':>9s} {'ratio':>6s} {'lake MB':>8s} {'duck MB':>8s}  check")
    for name in args.queries.split(","):
        sql = checks[name]["sql"]
        lake_cmd = [args.lake, "--lake", lake_root, "--threads", str(args.threads), "query", "--format", "csv", sql]
        duck_cmd = [args.duckdb, "-no-init", "-csv", "-c", f"SET threads={args.threads};{views}{sql}"]
        run(lake_cmd, cores)
        run(duck_cmd, cores)
        lake_times, duck_times, lake_rss, duck_rss = [], [], 0, 0
        lake_out = None
        for rep in range(args.reps):
            order = [("lake", lake_cmd), ("duck", duck_cmd)]
            if rep % 2:
                order.reverse()
            for who, command in order:
                elapsed, rss, result = run(command, cores)
                if who == "lake":
                    lake_times.append(elapsed)
                    lake_rss = max(lake_rss, rss)
                    lake_out = result
                else:
                    duck_times.append(elapsed)
                    duck_rss = max(duck_rss, rss)
        check = "ok"
        if lake_out.returncode != 0:
            check = "error: " + lake_out.stderr.strip().splitlines()[0]
        else:
            got = list(csv.reader(io.StringIO(lake_out.stdout)))[1:]
            want = list(csv.reader(open(os.path.join(expected_dir, name + ".csv"))))[1:]
            if len(got) != len(want) or not all(
                    len(a) == len(b) and all(same(x, y) for x, y in zip(a, b)) for a, b in zip(got, want)):
                check = "MISMATCH"
        lake_median = statistics.median(lake_times)
        duck_median = statistics.median(duck_times)
        print(f"{name:14s} {lake_median:8.3f} {duck_median:9.3f} {lake_median / duck_median:6.2f} "
              f"{lake_rss:8d} {duck_rss:8d}  {check}")
        sys.stdout.flush()


if __name__ == "__main__":
    main()

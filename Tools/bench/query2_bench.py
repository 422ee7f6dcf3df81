#!/usr/bin/env python3
"""Issue 6's benchmark: `lake query` against the DuckDB CLI on analytical SQL (not a timed test).

Four queries over TPC-H (lake reads the Delta tables made by Tools/bench/make_lake.sh, DuckDB the
same data as Parquet files): a window query (running sum per order over lineitem), the TPC-H Q17
shape with its correlated subquery as written, the TPC-H Q3 shape (3-way join), and a GROUP BY
with one group per lineitem row (6M at SF1) under a 500 MB memory limit. Both run as whole
processes pinned to the same cores, with the same thread count and the same memory limit
(`--memory-limit` / `SET memory_limit`), reps interleaved. lake's answer must equal DuckDB's
(numbers to a relative 1e-9). Peak memory comes from GNU time.

    Tools/bench/make_lake.sh 1 .build/release/lake
    ~/.cache/lake-bench/venv/bin/python Tools/bench/query2_bench.py --sf 1 --threads 1 --lake .build/release/lake
"""
import argparse
import csv
import io
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from query_bench import run, same  # noqa: E402

QUERIES = {
    "window": (
        None,
        "SELECT count(*) AS n, sum(running) AS total FROM (SELECT l_orderkey, sum(l_extendedprice) OVER "
        "(PARTITION BY l_orderkey ORDER BY l_linenumber) AS running FROM lineitem) AS w"),
    "q17": (
        None,
        "SELECT sum(l_extendedprice) / 7.0 AS avg_yearly FROM lineitem, part WHERE p_partkey = l_partkey "
        "AND p_brand = 'Brand#23' AND p_container = 'MED BOX' AND l_quantity < (SELECT 0.2 * avg(l_quantity) "
        "FROM lineitem WHERE l_partkey = p_partkey)"),
    "q3": (
        None,
        "SELECT l_orderkey, sum(l_extendedprice * (1 - l_discount)) AS revenue, o_orderdate, o_shippriority "
        "FROM customer, orders, lineitem WHERE c_mktsegment = 'BUILDING' AND c_custkey = o_custkey "
        "AND l_orderkey = o_orderkey AND o_orderdate < DATE '1995-03-15' AND l_shipdate > DATE '1995-03-15' "
        "GROUP BY l_orderkey, o_orderdate, o_shippriority ORDER BY revenue DESC, o_orderdate, l_orderkey LIMIT 10"),
    "groupby_6m": (
        "500MB",
        "SELECT count(*) AS groups, sum(s) AS total FROM (SELECT l_orderkey, l_linenumber, "
        "sum(l_extendedprice) AS s FROM lineitem GROUP BY l_orderkey, l_linenumber) AS g"),
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sf", default="1")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--lake", required=True)
    parser.add_argument("--duckdb", default=os.path.expanduser(
        "~/.cache/lake-bench/venv/lib/python3.11/site-packages/duckdb_cli/duckdb"))
    parser.add_argument("--queries", default=",".join(QUERIES))
    args = parser.parse_args()
    home = os.environ.get("LAKE_BENCH_HOME", os.path.expanduser("~/.cache/lake-bench"))
    data = os.path.join(home, "data", f"sf{args.sf}")
    lake_root = os.path.join(data, "lake")
    parquet = os.path.join(data, "lake-parquet")
    cores = ",".join(str(c) for c in range(args.threads))
    views = "".join(
        f"CREATE VIEW {t} AS SELECT * FROM read_parquet('{os.path.join(parquet, t + '.parquet')}');"
        for t in ["lineitem", "orders", "customer", "part"])
    print(f"{'query':12s} {'limit':>6s} {'lake s':>8s} {'duckdb s':>9s} {'ratio':>6s} {'lake MB':>8s} {'duck MB':>8s}  check")
    failed = False
    for name in args.queries.split(","):
        limit, sql = QUERIES[name]
        lake_cmd = [args.lake, "--lake", lake_root, "--threads", str(args.threads), "query", "--format", "csv"]
        settings = f"SET threads={args.threads};"
        if limit:
            lake_cmd += ["--memory-limit", limit]
            settings += f"SET memory_limit='{limit}';"
        lake_cmd.append(sql)
        duck_cmd = [args.duckdb, "-no-init", "-csv", "-c", f"{settings}{views}{sql}"]
        run(lake_cmd, cores)
        run(duck_cmd, cores)
        times = {"lake": [], "duck": []}
        rss = {"lake": 0, "duck": 0}
        out = {}
        for rep in range(args.reps):
            order = [("lake", lake_cmd), ("duck", duck_cmd)]
            if rep % 2:
                order.reverse()
            for who, command in order:
                elapsed, peak, result = run(command, cores)
                times[who].append(elapsed)
                rss[who] = max(rss[who], peak)
                out[who] = result
        check = "ok"
        if out["lake"].returncode != 0:
            check = "lake error: " + (out["lake"].stderr.strip().splitlines() or ["?"])[0]
        elif out["duck"].returncode != 0:
            check = "duckdb error: " + (out["duck"].stderr.strip().splitlines() or ["?"])[0]
        else:
            got = list(csv.reader(io.StringIO(out["lake"].stdout)))[1:]
            want = list(csv.reader(io.StringIO(out["duck"].stdout)))[1:]
            if len(got) != len(want) or not all(
                    len(a) == len(b) and all(same(x, y) for x, y in zip(a, b)) for a, b in zip(got, want)):
                check = "MISMATCH"
        failed |= check != "ok"
        lake_median = statistics.median(times["lake"])
        duck_median = statistics.median(times["duck"])
        print(f"{name:12s} {limit or '-':>6s} {lake_median:8.3f} {duck_median:9.3f} {lake_median / duck_median:6.2f} "
              f"{rss['lake']:8d} {rss['duck']:8d}  {check}")
        sys.stdout.flush()
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

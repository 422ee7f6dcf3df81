#!/usr/bin/env python3
"""Compaction benchmark: `lake compact` next to deltalake's `optimize.compact()` in one run.

The workload of ../shared/bench (issue 7): lineitem SF1 appended in 200 chunks of ~30k rows
(200 small files), then compacted.

  lake      the table is built by 200 `lake ingest` processes (one Parquet chunk each); then
            `lake --threads N compact TABLE --target-size 100M` is timed as a whole process,
            pinned to the first N cores.
  delta-rs  the table is built by 200 `write_deltalake(mode="append")` calls (zstd level 3, as
            the shared harness does); then `DeltaTable(copy).optimize.compact()` is timed in a
            fresh worker pinned to the same cores, only the call (imports and open excluded).

Both compactions run on fresh copies of their many-file table, with delta-rs's default target
(100 MiB) for both, reps interleaved. Only the ratios of one run mean anything.

    python3 Tools/bench/compact_bench.py [--reps 3] [--threads 1,2] [--lake PATH] [--appends 200]
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
HOME = os.environ.get("LAKE_BENCH_HOME", os.path.expanduser("~/.cache/lake-bench"))
VENV_PYTHON = os.path.join(HOME, "venv", "bin", "python")
SOURCE = os.path.join(HOME, "data", "sf1", "parquet-bench", "lineitem_zstd.parquet")
TARGET = 100 * 1024 * 1024


def reexec_in_venv():
    venv = os.path.dirname(os.path.dirname(VENV_PYTHON))
    if os.path.abspath(sys.prefix) != os.path.abspath(venv) and os.path.exists(VENV_PYTHON):
        os.execv(VENV_PYTHON, [VENV_PYTHON] + sys.argv)


COMPACT_WORKER = r"""
import sys, time, json, os
from deltalake import DeltaTable, WriterProperties
wp = WriterProperties(compression="ZSTD", compression_level=3)
dt = DeltaTable(sys.argv[1])
before = len(dt.file_uris())
t = time.perf_counter()
dt.optimize.compact(writer_properties=wp, target_size=int(sys.argv[2]))
seconds = time.perf_counter() - t
print(json.dumps({"seconds": seconds, "before": before, "after": len(DeltaTable(sys.argv[1]).file_uris())}))
"""


def pinned(threads):
    return ["taskset", "-c", ",".join(str(i) for i in range(threads))]


def thread_env(threads):
    env = dict(os.environ)
    for key in ("RAYON_NUM_THREADS", "TOKIO_WORKER_THREADS", "POLARS_MAX_THREADS", "LAKE_THREADS"):
        env[key] = str(threads)
    return env


def build_chunks(directory, appends):
    import pyarrow.parquet as pq
    table = pq.read_table(SOURCE)
    step = -(-table.num_rows // appends)
    paths = []
    for index in range(appends):
        path = os.path.join(directory, f"chunk-{index:03d}.parquet")
        pq.write_table(table.slice(index * step, step), path, compression="zstd")
        paths.append(path)
    return table, paths


def build_lake(lake, root, chunks):
    lake_dir = os.path.join(root, "lake")
    start = time.perf_counter()
    for path in chunks:
        subprocess.run([lake, "--lake", lake_dir, "--threads", "1", "ingest", "lineitem", path],
                       check=True, capture_output=True)
    return os.path.join(lake_dir, "lineitem"), time.perf_counter() - start


def build_deltars(root, table, appends):
    from deltalake import write_deltalake, WriterProperties
    wp = WriterProperties(compression="ZSTD", compression_level=3)
    path = os.path.join(root, "deltars")
    step = -(-table.num_rows // appends)
    start = time.perf_counter()
    for index in range(appends):
        write_deltalake(path, table.slice(index * step, step), mode="append", writer_properties=wp)
    return path, time.perf_counter() - start


def count_rows_deltalake(path):
    """Rows of the table's active files (deltalake's file list), each file fully decoded by pyarrow."""
    import pyarrow.parquet as pq
    from deltalake import DeltaTable
    return sum(pq.read_table(uri.replace("file://", "")).num_rows for uri in DeltaTable(path).file_uris())


def run_lake(lake, table, threads, work):
    copy = os.path.join(work, "lake-copy")
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(table, copy)
    start = time.perf_counter()
    result = subprocess.run(pinned(threads) + [lake, "--threads", str(threads), "compact", copy,
                            "--target-size", str(TARGET), "--format", "json"],
                            capture_output=True, text=True, env=thread_env(threads))
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"lake compact failed: {result.stderr}")
    report = json.loads(result.stdout)
    return seconds, report["files_removed"], count_rows_deltalake(copy), report


def run_deltars(table, threads, work):
    copy = os.path.join(work, "deltars-copy")
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(table, copy)
    result = subprocess.run(pinned(threads) + [sys.executable, "-c", COMPACT_WORKER, copy, str(TARGET)],
                            capture_output=True, text=True, env=thread_env(threads))
    if result.returncode != 0:
        raise SystemExit(f"deltalake compact failed: {result.stderr}")
    report = json.loads(result.stdout)
    return report["seconds"], report["before"], count_rows_deltalake(copy), report


Q6 = ("SELECT sum(l_extendedprice * l_discount) AS revenue FROM lineitem "
      "WHERE l_shipdate >= DATE '1994-01-01' AND l_shipdate < DATE '1995-01-01' "
      "AND l_discount BETWEEN 0.05 AND 0.07 AND l_quantity < 24")


def time_q6(lake, table_path, threads, reps):
    """Median seconds of `lake query` running Q6 over the table at `table_path` (whole process), and its answer."""
    sql = Q6.replace("FROM lineitem", f"FROM '{table_path}'")
    times, answer = [], None
    for _ in range(reps + 1):
        start = time.perf_counter()
        result = subprocess.run(pinned(threads) + [lake, "--threads", str(threads), "query", "--format", "csv", sql],
                                capture_output=True, text=True, env=thread_env(threads))
        times.append(time.perf_counter() - start)
        if result.returncode != 0:
            raise SystemExit(f"lake query failed: {result.stderr}")
        answer = result.stdout.strip().splitlines()[-1]
    return statistics.median(times[1:]), answer


def main():
    reexec_in_venv()
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--appends", type=int, default=200)
    parser.add_argument("--lake", default=os.path.join(ROOT, ".build", "release", "lake"))
    args = parser.parse_args()
    if not os.path.exists(SOURCE):
        raise SystemExit(f"{SOURCE} is missing: run `python3 Tools/bench/parquet_bench.py` once to make it")
    with tempfile.TemporaryDirectory(prefix="lake-compact-bench-") as root:
        table, chunks = build_chunks(os.path.join(root, "."), args.appends)
        lake_table, lake_build = build_lake(args.lake, root, chunks)
        deltars_table, deltars_build = build_deltars(root, table, args.appends)
        expected = table.num_rows
        print(f"built: {args.appends} appends of ~{-(-expected // args.appends)} rows; lake {lake_build:.1f} s "
              f"({args.appends} processes), delta-rs {deltars_build:.1f} s (in-process)")
        single_dir = os.path.join(root, "single")
        subprocess.run([args.lake, "--lake", single_dir, "ingest", "lineitem", SOURCE, "--target-file-size", "4G"],
                       check=True, capture_output=True)
        single_table = os.path.join(single_dir, "lineitem")
        rows, q6_rows = [], []
        for threads in [int(t) for t in args.threads.split(",")]:
            times = {"lake": [], "delta-rs": []}
            for rep in range(args.reps):
                order = [("lake", run_lake), ("delta-rs", run_deltars)]
                if rep % 2:
                    order.reverse()
                for name, runner in order:
                    if name == "lake":
                        seconds, files, counted, report = runner(args.lake, lake_table, threads, root)
                    else:
                        seconds, files, counted, report = runner(deltars_table, threads, root)
                    if counted != expected:
                        raise SystemExit(f"{name}: {counted} rows after compaction, expected {expected}")
                    times[name].append(seconds)
                    print(f"threads {threads} rep {rep}: {name} {seconds:.2f} s ({report})"[:300], flush=True)
            lake_median = statistics.median(times["lake"])
            deltars_median = statistics.median(times["delta-rs"])
            rows.append((threads, deltars_median, lake_median, lake_median / deltars_median))
            # Q6 over the many-file table, the compacted copy and a one-file table of the same rows.
            q6_many, answer_many = time_q6(args.lake, lake_table, threads, args.reps)
            q6_compacted, answer_compacted = time_q6(args.lake, os.path.join(root, "lake-copy"), threads, args.reps)
            q6_single, answer_single = time_q6(args.lake, single_table, threads, args.reps)
            values = [float(answer) for answer in (answer_many, answer_compacted, answer_single)]
            if max(values) - min(values) > 1e-9 * max(abs(v) for v in values):
                raise SystemExit(f"Q6 answers differ: {answer_many} / {answer_compacted} / {answer_single}")
            q6_rows.append((threads, q6_many, q6_compacted, q6_single))
        print()
        print(f"lineitem SF1, {args.appends} files → target {TARGET >> 20} MiB, medians of {args.reps} reps, "
              "rows checked with deltalake after every compaction; ratio < 1 means lake is faster")
        print()
        print("| threads | delta-rs s | lake s (whole process) | ratio lake/delta-rs |")
        print("|---:|---:|---:|---:|")
        for threads, deltars, lake, ratio in rows:
            print(f"| {threads} | {deltars:.2f} | {lake:.2f} | {ratio:.2f} |")
        print()
        print("Q6 with `lake query` (whole process, median), the same answer (to 1e-9) on all three tables:")
        print()
        print("| threads | 200 files s | compacted s | one file s | compacted / one file |")
        print("|---:|---:|---:|---:|---:|")
        for threads, many, compacted, single in q6_rows:
            print(f"| {threads} | {many:.3f} | {compacted:.3f} | {single:.3f} | {compacted / single:.2f} |")


if __name__ == "__main__":
    main()

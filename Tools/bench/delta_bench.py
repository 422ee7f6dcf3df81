#!/usr/bin/env python3
"""Delta log benchmark: lake next to deltalake (delta-rs) in one run.

Two measurements, both on a table of 1,000 small commits with checkpoints:

  open    lake: `lake-delta-bench open-only TABLE` (Snapshot.load: listing, checkpoint, replay),
                in-process time, plus the whole `lake-delta-bench` process.
          delta-rs: `deltalake.DeltaTable(TABLE)` plus `.version()` and `.file_uris()` (so the
                state is really loaded), in a fresh worker process, only the calls timed.
  append  10 consecutive small appends (100 rows each: id int64, value double, name string) to
          a copy of the table; every append is one sample, so checkpoints (lake: every 10th
          commit, delta-rs: every 100th) are paid as often as each engine pays them.
          lake: `lake-delta-bench append TABLE --rows 100` (WriteSession: open, write one zstd
                file, commit), in-process, and `lake ingest TABLE small.parquet` as a whole
                process (start-up, reading the input file, open, write, commit, exit).
          delta-rs: `write_deltalake(TABLE, table, mode="append")` in a fresh worker, timed.

The table is built once by deltalake (1,000 appends; delta-rs checkpoints every 100 commits),
so both engines read the same log, including delta-rs's own checkpoints. Appends go to copies
of it, so every rep starts from 1,000 commits. Reps are interleaved (A B, B A, ...), every timed
process is pinned to one CPU with `taskset -c 0`, and only ratios from this one run mean
anything.

    python3 Tools/bench/delta_bench.py [--reps 5] [--lake-bench PATH] [--lake PATH]
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
APPENDS = 10
VENV_PYTHON = os.path.join(
    os.environ.get("LAKE_BENCH_HOME", os.path.expanduser("~/.cache/lake-bench")), "venv", "bin", "python")


def reexec_in_venv():
    venv = os.path.dirname(os.path.dirname(VENV_PYTHON))
    if os.path.abspath(sys.prefix) != os.path.abspath(venv) and os.path.exists(VENV_PYTHON):
        os.execv(VENV_PYTHON, [VENV_PYTHON] + sys.argv)


OPEN_WORKER = r"""
import sys, time, deltalake
t = time.perf_counter()
table = deltalake.DeltaTable(sys.argv[1])
version = table.version()
files = len(table.file_uris())
print(f'{{"seconds": {time.perf_counter() - t}, "version": {version}, "files": {files}}}')
"""

APPEND_WORKER = r"""
import sys, time, json, pyarrow as pa, deltalake
rows = 100
data = pa.table({"id": pa.array(range(rows), pa.int64()), "value": pa.array([i * 0.5 for i in range(rows)]),
                 "name": pa.array([f"name-{i}" for i in range(rows)])})
times = []
for _ in range(int(sys.argv[2])):
    t = time.perf_counter()
    deltalake.write_deltalake(sys.argv[1], data, mode="append")
    times.append(time.perf_counter() - t)
print(json.dumps({"seconds": times, "version": deltalake.DeltaTable(sys.argv[1]).version()}))
"""


def run(command, env=None):
    pinned = ["taskset", "-c", "0"] + command
    start = time.perf_counter()
    result = subprocess.run(pinned, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{result.stderr}")
    return result.stdout, wall


def build_table(path, commits):
    import pyarrow as pa
    import deltalake

    for index in range(commits):
        rows = 10
        data = pa.table({
            "id": pa.array(range(index * rows, (index + 1) * rows), pa.int64()),
            "value": pa.array([float(i) for i in range(rows)]),
            "name": pa.array([f"n{index}-{i}" for i in range(rows)]),
        })
        deltalake.write_deltalake(path, data, mode="append")
    table = deltalake.DeltaTable(path)
    return table.version()


def main():
    reexec_in_venv()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--commits", type=int, default=1000)
    parser.add_argument("--lake-bench", default=None)
    parser.add_argument("--lake", default=None)
    args = parser.parse_args()
    bin_path = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT,
                              capture_output=True, text=True).stdout.strip()
    lake_bench = args.lake_bench or os.path.join(bin_path, "lake-delta-bench")
    lake = args.lake or os.path.join(bin_path, "lake")
    for binary in (lake_bench, lake):
        if not os.path.exists(binary):
            raise SystemExit(f"missing {binary}: run `swift build -c release` first")

    work = tempfile.mkdtemp(prefix="lake-delta-bench-")
    try:
        base = os.path.join(work, "base")
        t = time.perf_counter()
        version = build_table(base, args.commits)
        log = sorted(os.listdir(os.path.join(base, "_delta_log")))
        checkpoints = [name for name in log if ".checkpoint." in name]
        print(f"table: {version + 1} commits, {len(checkpoints)} checkpoints by delta-rs "
              f"(built in {time.perf_counter() - t:.1f} s)", file=sys.stderr)
        import pyarrow as pa
        import pyarrow.parquet as pq
        small = os.path.join(work, "small.parquet")
        pq.write_table(pa.table({"id": pa.array(range(100), pa.int64()), "value": pa.array([i * 0.5 for i in range(100)]),
                                 "name": pa.array([f"name-{i}" for i in range(100)])}), small)

        cells = {key: [] for key in ("open_lake", "open_lake_process", "open_deltars",
                                     "append_lake", "append_lake_process", "append_deltars")}
        for rep in range(args.reps):
            order = ["lake", "deltars"] if rep % 2 == 0 else ["deltars", "lake"]
            for engine in order:
                if engine == "lake":
                    out, wall = run([lake_bench, "open-only", base, "--reps", "1"])
                    record = json.loads(out.strip().splitlines()[-1])
                    assert record["version"] == version, record
                    cells["open_lake"].append(record["seconds"])
                    cells["open_lake_process"].append(wall)
                else:
                    out, _ = run([sys.executable, "-c", OPEN_WORKER, base])
                    record = json.loads(out)
                    assert record["version"] == version, record
                    cells["open_deltars"].append(record["seconds"])
            for engine in order:
                copy = os.path.join(work, f"copy-{engine}-{rep}")
                shutil.copytree(base, copy)
                if engine == "lake":
                    out, _ = run([lake_bench, "append", copy, "--rows", "100", "--reps", str(APPENDS)])
                    records = [json.loads(line) for line in out.strip().splitlines()]
                    assert records[-1]["version"] == version + APPENDS, records[-1]
                    cells["append_lake"] += [record["seconds"] for record in records]
                    copy2 = copy + "-cli"
                    shutil.copytree(base, copy2)
                    for index in range(APPENDS):
                        out, wall = run([lake, "ingest", copy2, small, "--threads", "1", "--format", "json"])
                        assert json.loads(out)["version"] == version + 1 + index, out
                        cells["append_lake_process"].append(wall)
                    shutil.rmtree(copy2)
                else:
                    out, _ = run([sys.executable, "-c", APPEND_WORKER, copy, str(APPENDS)])
                    record = json.loads(out)
                    assert record["version"] == version + APPENDS, out
                    cells["append_deltars"] += record["seconds"]
                shutil.rmtree(copy)
            print(f"rep {rep}: " + ", ".join(f"{k} {v[-1] * 1000:.1f} ms" for k, v in cells.items()), file=sys.stderr)

        med = {key: statistics.median(values) for key, values in cells.items()}
        print(f"\n{version + 1} commits, {len(checkpoints)} checkpoints (written by delta-rs), {args.reps} reps, "
              "medians, 1 CPU; ratio < 1 means lake is faster\n")
        print("| measurement | delta-rs ms | lake ms | ratio lake/delta-rs |")
        print("|---|---:|---:|---:|")
        rows = [
            ("open (in-process)", "open_deltars", "open_lake"),
            ("open (lake whole process)", "open_deltars", "open_lake_process"),
            ("append 100 rows, median of 10 consecutive (in-process)", "append_deltars", "append_lake"),
            ("append 100 rows (`lake ingest` whole process vs in-process delta-rs)", "append_deltars",
             "append_lake_process"),
        ]
        for label, peer, ours in rows:
            print(f"| {label} | {med[peer] * 1000:.1f} | {med[ours] * 1000:.1f} | {med[ours] / med[peer]:.2f} |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""T1, concurrent writers (reliability brief §4; invariants I1 atomic commit, I3 exactly-once, I4 honest outcome).

One table is created (version 0); then 8 writers, started together, each run 25 `lake ingest`
appends in a row (`--threads 1`), each of a tiny Parquet file whose rows are (writer, seq, row).
Every ingest's exit status and JSON summary are recorded. Afterwards:
  * the `_delta_log` versions are exactly 0..n, with n = the number of acknowledged (exit 0) ingests;
  * every acknowledged ingest's rows are in the table exactly once (deltalake, and DuckDB's
    GROUP BY over the active files), and a failed ingest's rows are absent;
  * the version each ingest reported is the version whose commit adds its rows (no commit
    overwritten by another), and no two ingests report the same version;
  * deltalake's version is n; every ingest succeeded (blind appends never conflict).
Negative control: the same with LAKE_TEST_UNSAFE_COMMIT=1 (check-then-rename commits) must show a
violation of those rules in at least one of a few tries; it counts as passed when the harness
detects loss, failed when the unsafe runs look clean.

Standalone: LAKE_BIN=… .venv/bin/python Tools/reliability/t1_concurrent_writers.py
(LAKE_T1_SEED=N replays the file contents and start jitter). Prints
"t1_concurrent_writers: N passed, M failed" and exits non-zero on failure.
"""
import collections
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

import deltalake
import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

LAKE = os.environ.get("LAKE_BIN", "lake")
NAME = "t1_concurrent_writers"
WRITERS = 8
COMMITS = 25
UNSAFE_COMMITS = 12
UNSAFE_TRIES = 3
ROWS_PER_COMMIT = 3
COMMIT_NAME = re.compile(r"^(\d{20})\.json$")
# Files a clean log may hold besides commits: lake's classic checkpoints and their hint.
CHECKPOINT_NAME = re.compile(r"^(\d{20})\.checkpoint\.parquet$|^_last_checkpoint$")
passed = 0
failed = 0


def check(name, condition, detail=""):
    global passed, failed
    if condition:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {name}: {detail}"[:3000], flush=True)
    return condition


def batch_file(directory, writer, seq, rng):
    """A tiny Parquet file whose rows name (writer, seq, row) and carry a little payload."""
    path = os.path.join(directory, f"w{writer}-s{seq}.parquet")
    table = pa.table({
        "writer": pa.array([writer] * ROWS_PER_COMMIT, pa.int32()),
        "seq": pa.array([seq] * ROWS_PER_COMMIT, pa.int32()),
        "row": pa.array(range(ROWS_PER_COMMIT), pa.int32()),
        "payload": pa.array([f"{rng.random():.12f}" for _ in range(ROWS_PER_COMMIT)], pa.string()),
    })
    pq.write_table(table, path)
    return path


def run_ingest(root, path, env):
    result = subprocess.run([LAKE, "--threads", "1", "ingest", root, path, "--format", "json"],
                            capture_output=True, text=True, env=env)
    summary = None
    if result.returncode == 0:
        try:
            summary = json.loads(result.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            summary = None
    return result.returncode, summary, result.stderr.strip()


def run_writers(work, root, writers, commits, rng, env):
    """Runs the writers together; returns {(writer, seq): (exit code, summary, stderr)}."""
    inputs = os.path.join(work, "inputs")
    os.makedirs(inputs, exist_ok=True)
    files = {(w, s): batch_file(inputs, w, s, rng) for w in range(writers) for s in range(commits)}
    jitter = {w: rng.random() * 0.01 for w in range(writers)}
    results = {}
    lock = threading.Lock()
    barrier = threading.Barrier(writers)

    def writer(w):
        barrier.wait()
        time.sleep(jitter[w])
        for s in range(commits):
            outcome = run_ingest(root, files[(w, s)], env)
            with lock:
                results[(w, s)] = outcome

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def create_table(work, root, env):
    path = batch_file(work, -1, 0, random.Random(0))
    code, summary, error = run_ingest(root, path, env)
    return code == 0 and summary is not None and summary.get("version") == 0, error


def commit_versions(root):
    names = os.listdir(os.path.join(root, "_delta_log"))
    return sorted(int(m.group(1)) for m in map(COMMIT_NAME.match, names) if m)


def examine(root, results):
    """Every way the table disagrees with the acknowledged history, as a list of problems."""
    problems = []
    acked = {key for key, (code, summary, _) in results.items() if code == 0 and summary and summary.get("committed")}
    unacked = set(results) - acked
    versions = commit_versions(root)
    if versions != list(range(len(versions))):
        problems.append(f"log versions are not contiguous from 0: {versions}")
    if not versions or versions[-1] != len(acked):
        problems.append(f"latest version {versions[-1] if versions else None} != {len(acked)} acknowledged commits (+ the create)")

    # Which (writer, seq) each commit added, straight from the log and the data files.
    added_by = collections.defaultdict(list)
    for version in versions:
        with open(os.path.join(root, "_delta_log", f"{version:020d}.json"), encoding="utf-8") as handle:
            for line in handle:
                if line.strip() and "add" in (action := json.loads(line)):
                    data = pq.read_table(os.path.join(root, urllib.parse.unquote(action["add"]["path"])))
                    for key in set(zip(data.column("writer").to_pylist(), data.column("seq").to_pylist())):
                        added_by[key].append(version)
    reported = collections.defaultdict(list)
    misplaced = []
    for key in sorted(acked):
        version = results[key][1].get("version")
        reported[version].append(key)
        if added_by.get(key) != [version]:
            misplaced.append(f"writer {key[0]} seq {key[1]} told version {version}, added in {added_by.get(key, [])}")
    if misplaced:
        problems.append(f"{len(misplaced)} acknowledged ingests are not in the log (only) at the version they were told, "
                        f"e.g. {'; '.join(misplaced[:3])}")
    shared = {version: keys for version, keys in sorted(reported.items()) if len(keys) > 1}
    if shared:
        problems.append(f"{len(shared)} versions were reported to several ingests, e.g. "
                        + "; ".join(f"v{v}: {keys}" for v, keys in list(shared.items())[:3]))

    # deltalake's view: version and rows.
    try:
        table = deltalake.DeltaTable(root)
        if table.version() != len(acked):
            problems.append(f"deltalake version {table.version()} != {len(acked)}")
        rows = table.to_pyarrow_table(columns=["writer", "seq", "row"]).to_pylist()
        counts = collections.Counter((r["writer"], r["seq"], r["row"]) for r in rows)
        missing = [k for k in sorted(acked) if any(counts[(k[0], k[1], r)] != 1 for r in range(ROWS_PER_COMMIT))]
        if missing:
            problems.append(f"{len(missing)} acknowledged commits not present exactly once (deltalake), e.g. {missing[:5]}")
        present_unacked = sorted(k for k in unacked if any(counts[(k[0], k[1], r)] for r in range(ROWS_PER_COMMIT)))
        if present_unacked:
            problems.append(f"failed ingests present in the table: {present_unacked[:5]}")
        duplicates = [k for k, n in counts.items() if n > 1]
        if duplicates:
            problems.append(f"duplicated rows: {duplicates[:5]}")
        known = {(w, s, r) for (w, s) in results for r in range(ROWS_PER_COMMIT)} | {(-1, 0, r) for r in range(ROWS_PER_COMMIT)}
        strangers = [k for k in counts if k not in known]
        if strangers:
            problems.append(f"rows no ingest wrote: {strangers[:5]}")
        # DuckDB over the active files: SELECT writer, seq, count(*) … GROUP BY ALL.
        grouped = duckdb.sql("SELECT writer, seq, count(*) AS n FROM read_parquet(?) GROUP BY ALL",
                             params=[table.file_uris()]).fetchall()
        expected = {k: ROWS_PER_COMMIT for k in acked} | {(-1, 0): ROWS_PER_COMMIT}
        if {(w, s): n for w, s, n in grouped} != expected:
            problems.append("DuckDB's GROUP BY writer, seq over the active files differs from the acknowledged commits")
    except Exception as error:  # noqa: BLE001 - a table that does not read is a problem
        problems.append(f"deltalake/duckdb cannot read the table: {error!r}")
    return problems, acked


def safe_run(rng):
    work = tempfile.mkdtemp(prefix="lake-t1-")
    try:
        root = os.path.join(work, "table")
        env = {k: v for k, v in os.environ.items() if k != "LAKE_TEST_UNSAFE_COMMIT"}
        ok, error = create_table(work, root, env)
        if not check("create the table (version 0)", ok, error):
            return
        start = time.monotonic()
        results = run_writers(work, root, WRITERS, COMMITS, rng, env)
        elapsed = time.monotonic() - start
        problems, acked = examine(root, results)
        failures = {k: r for k, r in results.items() if k not in acked}
        retries = sum((r[1] or {}).get("retries", 0) for r in results.values())
        print(f"safe commit: {WRITERS} writers x {COMMITS} commits in {elapsed:.1f} s; {len(acked)} acknowledged, "
              f"{len(failures)} failed, {retries} lost races retried; latest version {commit_versions(root)[-1]}", flush=True)
        check("every acknowledged commit is in the table exactly once, versions 0..n contiguous, n = acknowledged, "
              "reported versions match the log, deltalake and DuckDB agree", not problems, "; ".join(problems))
        check("every ingest succeeded (blind appends never conflict)", not failures,
              "; ".join(f"writer {k[0]} seq {k[1]}: exit {r[0]}: {r[2][:300]}" for k, r in list(failures.items())[:5]))
        leftovers = [n for n in os.listdir(os.path.join(root, "_delta_log"))
                     if not COMMIT_NAME.match(n) and not CHECKPOINT_NAME.match(n)]
        check("no temp files left in _delta_log after clean exits", not leftovers, f"{leftovers[:5]}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def unsafe_control(rng):
    """LAKE_TEST_UNSAFE_COMMIT=1 must lose commits, and this harness must notice."""
    env = dict(os.environ, LAKE_TEST_UNSAFE_COMMIT="1")
    for attempt in range(1, UNSAFE_TRIES + 1):
        work = tempfile.mkdtemp(prefix="lake-t1-unsafe-")
        try:
            root = os.path.join(work, "table")
            ok, error = create_table(work, root, env)
            if not check("unsafe control: create the table", ok, error):
                return
            start = time.monotonic()
            results = run_writers(work, root, WRITERS, UNSAFE_COMMITS, rng, env)
            problems, acked = examine(root, results)
            print(f"unsafe commit, try {attempt}: {WRITERS} writers x {UNSAFE_COMMITS} commits in {time.monotonic() - start:.1f} s; "
                  f"{len(acked)} acknowledged; {len(problems)} kinds of violation detected", flush=True)
            if problems:
                for problem in problems[:6]:
                    print(f"  detected: {problem}"[:400])
                if len(problems) > 6:
                    print(f"  … and {len(problems) - 6} more")
                check("negative control: the harness detects the unsafe commit's losses", True)
                return
        finally:
            shutil.rmtree(work, ignore_errors=True)
    check("negative control: the harness detects the unsafe commit's losses", False,
          f"{UNSAFE_TRIES} runs with LAKE_TEST_UNSAFE_COMMIT=1 looked clean: the oracle (or the switch) is blind")


def stale_writer(rng):
    """A blind append whose snapshot is 120 versions old when it commits must still commit.

    `lake ingest` of a larger file is paused (SIGSTOP) once its data file exists, i.e. after it
    read the table; deltalake appends 120 one-row commits meanwhile; then the ingest resumes. Blind
    appends never conflict (Delta's rules), so however many versions it lost, it must commit as
    version 121, as delta-rs and Spark do.
    """
    work = tempfile.mkdtemp(prefix="lake-t1-stale-")
    env = {k: v for k, v in os.environ.items() if k != "LAKE_TEST_UNSAFE_COMMIT"}
    try:
        root = os.path.join(work, "table")
        ok, error = create_table(work, root, env)
        if not check("stale writer: create the table", ok, error):
            return
        big = os.path.join(work, "big.parquet")
        rows = 1_000_000
        pq.write_table(pa.table({
            "writer": pa.array([100] * rows, pa.int32()), "seq": pa.array([0] * rows, pa.int32()),
            "row": pa.array(range(rows), pa.int32()), "payload": pa.array([""] * rows, pa.string()),
        }), big)
        before = set(os.listdir(root))
        process = subprocess.Popen([LAKE, "--threads", "1", "ingest", root, big, "--format", "json"],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        while process.poll() is None and not any(n.endswith(".parquet") for n in set(os.listdir(root)) - before):
            time.sleep(0.0005)
        if process.poll() is not None:
            check("stale writer: the ingest was paused while writing", False, "it finished before its data file was seen")
            return
        process.send_signal(signal.SIGSTOP)
        start = time.monotonic()
        small = pa.table({"writer": pa.array([101], pa.int32()), "seq": pa.array([0], pa.int32()),
                          "row": pa.array([0], pa.int32()), "payload": pa.array(["x"], pa.string())})
        for seq in range(120):
            deltalake.write_deltalake(root, small.set_column(1, "seq", pa.array([seq], pa.int32())), mode="append")
        process.send_signal(signal.SIGCONT)
        out, err = process.communicate()
        summary = None
        if process.returncode == 0:
            try:
                summary = json.loads(out.strip().splitlines()[-1])
            except (ValueError, IndexError):
                pass
        print(f"stale writer: 120 deltalake appends while lake's ingest was paused ({time.monotonic() - start:.1f} s); "
              f"the ingest then exited {process.returncode}: {(summary or err.strip())}"[:400], flush=True)
        check("a blind append 120 versions behind still commits (as version 121)",
              summary is not None and summary.get("version") == 121,
              f"exit {process.returncode}: {err.strip()[:300]}")
        table = deltalake.DeltaTable(root)
        count = table.to_pyarrow_table(columns=["writer"]).num_rows
        want = ROWS_PER_COMMIT + 120 + (rows if summary else 0)
        check("stale writer: the table holds the rows of every acknowledged commit", count == want, f"{count} != {want}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    seed = int(os.environ.get("LAKE_T1_SEED") or random.SystemRandom().randrange(2**32))
    print(f"{NAME}: seed {seed} (replay with LAKE_T1_SEED={seed})", flush=True)
    rng = random.Random(seed)
    started = time.monotonic()
    safe_run(rng)
    unsafe_control(rng)
    stale_writer(rng)
    print(f"{NAME}: {passed} passed, {failed} failed ({time.monotonic() - started:.1f} s)")
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())

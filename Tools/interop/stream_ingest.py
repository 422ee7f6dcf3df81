#!/usr/bin/env python3
"""`lake ingest TABLE - --follow` (SPEC.md §2.8, streams) with real processes.

1. `lake generate sensors | lake ingest s - --follow --batch-rows 1000`: one commit per 1,000
   records, every row once (deltalake reads the table as the oracle).
2. Replaying the same stream with the same txn versions commits nothing (exactly-once).
3. `--batch-seconds`: a micro-batch is committed while the input is still open.
4. SIGTERM (and SIGINT): what is buffered is committed, then `lake` exits 0.

    LAKE_BIN=.build/debug/lake .venv/bin/python Tools/interop/stream_ingest.py
"""
import os
import signal
import subprocess
import sys
import tempfile
import time

import deltalake
import pyarrow.parquet as pq

LAKE = os.environ.get("LAKE_BIN", "lake")
passed = failed = 0


def check(name, condition, detail=""):
    global passed, failed
    if condition:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {name}: {detail}"[:2000], flush=True)


def rows(table):
    dt = deltalake.DeltaTable(table)
    return sum(pq.read_table(uri.replace("file://", "")).num_rows for uri in dt.file_uris()), dt.version()


def generate(count, seed=7):
    return subprocess.run([LAKE, "generate", "sensors", "--rows", str(count), "--seed", str(seed)],
                          capture_output=True, check=True).stdout


def main():
    with tempfile.TemporaryDirectory(prefix="lake-stream-") as root:
        data = generate(5000)
        table = os.path.join(root, "s")
        follow = [LAKE, "ingest", table, "-", "--follow", "--batch-rows", "1000", "--batch-seconds", "60"]
        result = subprocess.run(follow, input=data, capture_output=True)
        check("follow exits 0", result.returncode == 0, result.stderr.decode())
        count, version = rows(table)
        check("every row once", count == 5000, f"{count} rows")
        check("one version per 1,000 records", version == 4, f"version {version}")
        check("summary", b"5 micro-batch(es) committed" in result.stdout, result.stdout.decode())

        replay = follow + ["--txn-app", "lake-stream", "--txn-version", "0"]
        result = subprocess.run(replay, input=data, capture_output=True)
        count, version = rows(table)
        check("replay exits 0", result.returncode == 0, result.stderr.decode())
        check("replay commits nothing", (count, version) == (5000, 4), f"{count} rows, version {version}")
        check("replay says so", b"5 already committed before" in result.stdout, result.stdout.decode())

        # A quiet input: the time bound commits while standard input is still open.
        timed = os.path.join(root, "timed")
        process = subprocess.Popen([LAKE, "ingest", timed, "-", "--follow", "--batch-rows", "100000",
                                    "--batch-seconds", "0.5"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE)
        process.stdin.write(generate(300, seed=8))
        process.stdin.flush()
        deadline = time.time() + 20
        while time.time() < deadline and not os.path.exists(os.path.join(timed, "_delta_log", "00000000000000000000.json")):
            time.sleep(0.1)
        committed_while_open = os.path.exists(os.path.join(timed, "_delta_log", "00000000000000000000.json"))
        check("--batch-seconds commits while the input is open", committed_while_open)
        process.stdin.close()
        process.wait(timeout=30)
        check("timed stream exits 0", process.returncode == 0, process.stderr.read().decode())
        check("timed stream rows", rows(timed)[0] == 300)

        for name, signum in (("SIGTERM", signal.SIGTERM), ("SIGINT", signal.SIGINT)):
            target = os.path.join(root, name.lower())
            process = subprocess.Popen([LAKE, "ingest", target, "-", "--follow", "--batch-rows", "100000",
                                        "--batch-seconds", "600"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE)
            process.stdin.write(generate(1234, seed=9))
            process.stdin.flush()
            time.sleep(1.0)
            process.send_signal(signum)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                check(f"{name} ends the stream", False, "still running 30 s after the signal")
                continue
            check(f"{name}: exit 0", process.returncode == 0, process.stderr.read().decode())
            check(f"{name}: buffered rows committed", rows(target)[0] == 1234)
            process.stdin.close()
    print(f"stream_ingest: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

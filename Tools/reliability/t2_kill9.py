#!/usr/bin/env python3
"""T2, kill -9 during ingest (reliability brief §4; invariants I1 atomic commit, I2 durability,
I3 exactly-once, I8 garbage is harmless).

Each trial creates a table (version 0), starts 2–4 writers that append in a loop (every `lake
ingest` one tiny Parquet file of rows (writer, seq, row), `--threads 1`), and after a random
50–450 ms SIGKILLs the in-flight `lake` process of some or all writers (the others stop after
their current ingest). An ingest is acknowledged when `lake` exited 0 with a committed summary;
one killed mid-flight has an unknown outcome. Then:
  * the table opens with deltalake and reads;
  * the log's versions are 0..n with no gap, n = acknowledged + unknown-but-present commits;
  * every acknowledged commit's rows are present, each exactly once; no (writer, seq, row)
    is duplicated; a commit is all there or not at all;
  * at most one unacknowledged-but-present commit per killed writer; an ingest that exited
    non-zero without being killed left nothing;
  * leftover files in `_delta_log` that are not `\\d{20}.json` or checkpoints (temp files of
    killed commits) do not disturb readers (deltalake above, lake below);
  * one more `lake ingest` afterwards commits version n+1 and deltalake reads its rows.
The kill -9 leaves the page cache intact, so this tests crash consistency of the process, not
power loss (that is T11's).

Standalone: LAKE_BIN=… .venv/bin/python Tools/reliability/t2_kill9.py; LAKE_RELIABILITY_TRIALS=N
runs N trials (default 20), LAKE_T2_SEED=N replays the random choices; LAKE_T2_UNSAFE=1 runs the
writers with the unsafe check-then-rename commit, to see the oracle fail (not part of the suite). Prints
"t2_kill9: N passed, M failed" and exits non-zero on failure.
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
import pyarrow as pa
import pyarrow.parquet as pq

LAKE = os.environ.get("LAKE_BIN", "lake")
NAME = "t2_kill9"
ROWS_PER_COMMIT = 2
COMMIT_NAME = re.compile(r"^(\d{20})\.json$")
CHECKPOINT_NAME = re.compile(r"^\d{20}\.checkpoint(\.\d{10}\.\d{10})?(\.[0-9a-fA-F-]+)?\.(parquet|json)$")
KNOWN_LOG_NAMES = re.compile(r"^(\d{20}\.crc|_last_checkpoint|_sidecars|\d{20}\.\d{20}\.compacted\.json)$")
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


def batch_file(directory, writer, seq):
    path = os.path.join(directory, f"w{writer}-s{seq}.parquet")
    pq.write_table(pa.table({
        "writer": pa.array([writer] * ROWS_PER_COMMIT, pa.int32()),
        "seq": pa.array([seq] * ROWS_PER_COMMIT, pa.int32()),
        "row": pa.array(range(ROWS_PER_COMMIT), pa.int32()),
    }), path)
    return path


def ingest_command(root, path):
    return [LAKE, "--threads", "1", "ingest", root, path, "--format", "json"]


def parse_summary(stdout):
    try:
        return json.loads(stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return None


class Writer:
    """Appends (writer, seq) batches until stopped or killed; records every ingest's outcome."""

    def __init__(self, index, root, inputs, env):
        self.index, self.root, self.inputs, self.env = index, root, inputs, env
        self.lock = threading.Lock()
        self.process = None
        self.stopping = False
        self.killed = False
        self.outcomes = {}  # seq -> ("acked", summary) | ("failed", stderr) | ("unknown", None)
        self.thread = threading.Thread(target=self.run)

    def run(self):
        seq = 0
        while True:
            path = batch_file(self.inputs, self.index, seq)
            with self.lock:
                if self.stopping or self.killed:
                    return
                self.process = subprocess.Popen(ingest_command(self.root, path), stdout=subprocess.PIPE,
                                                stderr=subprocess.PIPE, text=True, env=self.env)
            stdout, stderr = self.process.communicate()
            code = self.process.returncode
            summary = parse_summary(stdout) if code == 0 else None
            if code == 0 and summary and summary.get("committed"):
                self.outcomes[seq] = ("acked", summary)
            elif code == -signal.SIGKILL:
                self.outcomes[seq] = ("unknown", None)
            else:
                self.outcomes[seq] = ("failed", f"exit {code}: {stderr.strip()[:300]}")
            seq += 1

    def kill(self):
        with self.lock:
            self.killed = True
            if self.process is not None and self.process.returncode is None:
                self.process.send_signal(signal.SIGKILL)

    def stop(self):
        with self.lock:
            self.stopping = True


def commit_versions(root):
    names = os.listdir(os.path.join(root, "_delta_log"))
    return sorted(int(m.group(1)) for m in map(COMMIT_NAME.match, names) if m)


def leftover_log_files(root):
    return sorted(n for n in os.listdir(os.path.join(root, "_delta_log"))
                  if not (COMMIT_NAME.match(n) or CHECKPOINT_NAME.match(n) or KNOWN_LOG_NAMES.match(n)))


def referenced_files(table):
    return {urllib.parse.unquote(p) for p in pa.table(table.get_add_actions(flatten=True)).column("path").to_pylist()}


def data_files(root):
    found = set()
    for directory, subdirectories, names in os.walk(root):
        subdirectories[:] = [d for d in subdirectories if d != "_delta_log"]
        for name in names:
            if name.endswith(".parquet"):
                found.add(os.path.relpath(os.path.join(directory, name), root))
    return found


def trial(number, rng, work):
    root = os.path.join(work, f"table{number}")
    inputs = os.path.join(work, f"inputs{number}")
    os.makedirs(inputs)
    env = {k: v for k, v in os.environ.items() if k != "LAKE_TEST_UNSAFE_COMMIT"}
    if os.environ.get("LAKE_T2_UNSAFE") == "1":
        env["LAKE_TEST_UNSAFE_COMMIT"] = "1"  # checks the oracle: these trials must fail
    create = subprocess.run(ingest_command(root, batch_file(inputs, -1, 0)), capture_output=True, text=True, env=env)
    if not check(f"trial {number}: create the table", create.returncode == 0, create.stderr.strip()):
        return
    count = rng.randint(2, 4)
    victims = sorted(rng.sample(range(count), count if rng.random() < 0.4 else rng.randint(1, count)))
    delay = rng.uniform(0.05, 0.45)
    writers = [Writer(w, root, inputs, env) for w in range(count)]
    for writer in writers:
        writer.thread.start()
    time.sleep(delay)
    for writer in writers:
        if writer.index in victims:
            writer.kill()
        else:
            writer.stop()
    for writer in writers:
        writer.thread.join()

    outcomes = {(w.index, s): o for w in writers for s, o in w.outcomes.items()}
    acked = {k for k, (kind, _) in outcomes.items() if kind == "acked"}
    unknown = {k for k, (kind, _) in outcomes.items() if kind == "unknown"}
    failures = {k: detail for k, (kind, detail) in outcomes.items() if kind == "failed"}
    label = f"trial {number}"

    # (a) The table opens and reads with deltalake, whatever the kill left behind.
    leftovers = leftover_log_files(root)
    try:
        table = deltalake.DeltaTable(root)
        rows = table.to_pyarrow_table(columns=["writer", "seq", "row"]).to_pylist()
        version = table.version()
        orphans = data_files(root) - referenced_files(table)
    except Exception as error:  # noqa: BLE001 - a table that does not open is the failure
        check(f"{label}: deltalake opens the table after kill -9 (leftover log files {leftovers})", False, repr(error))
        return
    check(f"{label}: deltalake opens the table after kill -9", True)
    counts = collections.Counter((r["writer"], r["seq"], r["row"]) for r in rows)
    present = {(w, s) for (w, s, _) in counts if w >= 0}

    # (b) Versions, acknowledged ⊆ present, exactly once, atomic, bounded unknowns.
    versions = commit_versions(root)
    check(f"{label}: log versions contiguous 0..n", versions == list(range(len(versions))), f"{versions}")
    check(f"{label}: deltalake reads the latest version", version == versions[-1], f"{version} != {versions[-1]}")
    missing = sorted(acked - present)
    check(f"{label}: every acknowledged commit is present", not missing, f"missing {missing[:5]}")
    duplicates = sorted(k for k, n in counts.items() if n > 1)
    check(f"{label}: no duplicated (writer, seq, row)", not duplicates, f"{duplicates[:5]}")
    partial = sorted(k for k in present if any(counts[(k[0], k[1], r)] != 1 for r in range(ROWS_PER_COMMIT)))
    check(f"{label}: every present commit is complete", not partial, f"{partial[:5]}")
    unacked_present = present - acked
    strangers = sorted(k for k in unacked_present if k not in unknown)
    check(f"{label}: only killed ingests may be present unacknowledged", not strangers,
          f"{strangers[:5]}: {[outcomes.get(k) for k in strangers[:5]]}")
    per_writer = collections.Counter(w for (w, _) in unacked_present)
    check(f"{label}: at most one unacknowledged-but-present commit per killed writer",
          all(n <= 1 and w in victims for w, n in per_writer.items()), f"{dict(per_writer)}")
    check(f"{label}: versions = create + acknowledged + unknown-but-present",
          versions[-1] == len(acked) + len(unacked_present), f"latest {versions[-1]}, {len(acked)} acked, "
          f"{len(unacked_present)} unacknowledged present")
    reported = sorted(o[1]["version"] for k, o in outcomes.items() if k in acked)
    check(f"{label}: acknowledged versions are distinct", len(reported) == len(set(reported)), f"{reported}")
    check(f"{label}: no ingest failed other than by the kill", not failures,
          "; ".join(f"{k}: {v}" for k, v in list(failures.items())[:3]))

    # (c) One more ingest still commits, on top of whatever garbage is left.
    extra = subprocess.run(ingest_command(root, batch_file(inputs, 99, 0)), capture_output=True, text=True, env=env)
    summary = parse_summary(extra.stdout) if extra.returncode == 0 else None
    check(f"{label}: an ingest after the kill commits version {versions[-1] + 1}",
          summary is not None and summary.get("version") == versions[-1] + 1,
          f"exit {extra.returncode}, {summary}, {extra.stderr.strip()[:300]}")
    try:
        after = deltalake.DeltaTable(root)
        rows_after = collections.Counter((r["writer"], r["seq"], r["row"])
                                         for r in after.to_pyarrow_table(columns=["writer", "seq", "row"]).to_pylist())
        check(f"{label}: deltalake reads the table after the extra ingest",
              rows_after == counts + collections.Counter({(99, 0, r): 1 for r in range(ROWS_PER_COMMIT)}),
              f"{sum(rows_after.values())} rows")
    except Exception as error:  # noqa: BLE001
        check(f"{label}: deltalake reads the table after the extra ingest", False, repr(error))

    print(f"{label}: {count} writers, killed {victims} after {delay * 1000:.0f} ms; {len(acked)} acknowledged, "
          f"{len(unknown)} killed in flight ({len(unacked_present & unknown)} of them committed), {len(failures)} failed; "
          f"versions 0..{versions[-1]}; {len(leftovers)} leftover log file(s){' ' + str(leftovers[:2]) if leftovers else ''}, "
          f"{len(orphans)} orphaned data file(s)", flush=True)
    return len(leftovers), len(unacked_present & unknown)


def main():
    seed = int(os.environ.get("LAKE_T2_SEED") or random.SystemRandom().randrange(2**32))
    trials = int(os.environ.get("LAKE_RELIABILITY_TRIALS") or 20)
    print(f"{NAME}: seed {seed} (replay with LAKE_T2_SEED={seed}), {trials} trials", flush=True)
    rng = random.Random(seed)
    started = time.monotonic()
    leftovers = committed_unknown = 0
    work = tempfile.mkdtemp(prefix="lake-t2-")
    try:
        for number in range(1, trials + 1):
            result = trial(number, rng, work)
            if result:
                leftovers += result[0]
                committed_unknown += result[1]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{NAME}: {leftovers} leftover log files and {committed_unknown} committed-but-unacknowledged ingests "
          f"over {trials} trials")
    print(f"{NAME}: {passed} passed, {failed} failed ({time.monotonic() - started:.1f} s)")
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""T5, table maintenance under concurrency and crashes (issue 7; SPEC.md §2.9-2.12, §7.3, §7.5-7.8;
invariants I1 atomic commit, I3 exactly-once, I4 honest outcome, I8 garbage is harmless).

Every row carries a unique key (writer, seq, row); tables are partitioned by `part` and built from
small Parquet inputs with `lake ingest … --partition-by part`. A template table (many small files)
is built once and copied for each trial. deltalake (delta-rs) is the independent oracle reader;
`lake cat --format csv` must agree with it. Scenarios, each with real `lake` processes:
  1. compaction concurrent with appends: 2-3 writers append while `lake compact --target-size 1M`
     runs, then a default-retention vacuum (deletes nothing); all commit, every acknowledged append
     and every pre-existing row is there exactly once, log versions are contiguous, no file is
     removed that was not live;
  2. two compactions of the same files at once (sometimes one limited by --where): rows never
     doubled, no file rewritten twice, each process's exit status and JSON summary tell the truth
     (exit 0 ⇔ it committed the version it reports or said there was nothing to do; otherwise a
     conflict message and no commit of its own), a loser's new files are deleted; delta-rs's
     optimize.compact() in the same race is shown as a note, not a failure (delta-rs 1.6.6 doubles
     rows there, and the note shows this harness's log check flags it: the negative control);
     likewise an overwrite ingest racing a compaction: its rows alone if it committed, else the old;
  3. kill -9 during compaction at a random time: deltalake and lake read the same rows at a committed
     version, a following `lake compact` succeeds and `lake vacuum --retain 0h --force` removes the
     killed compaction's orphans while reads stay identical;
  4. vacuum safety: with every data file a week old, the default retention deletes only an old
     orphan (compacted-away files are kept by their fresh tombstones, a fresh orphan by its age),
     --retain 0h without --force is refused, --dry-run deletes nothing, --retain 0h --force
     deletes exactly the compacted-away files and the fresh orphan, the latest version reads the
     same, time travel to a vacuumed version fails cleanly;
  5. restore to a random earlier version equals deltalake's reading of that version, history shows
     RESTORE; a restore racing a compaction ends with the rows of the version restored, each exit
     status matching the log; a restore that needs vacuumed files fails and commits nothing;
  6. checkpoint: deltalake and lake read the same before and after, after one more append, with the
     commits before it deleted, and after vacuum's log cleanup (commits older than 30 days).

Standalone: LAKE_BIN=… .venv/bin/python Tools/reliability/t5_maintenance.py; LAKE_T5_SEED=N replays
the random choices (not the timing); LAKE_T5_SCENARIOS=2,5 runs only those scenarios;
LAKE_RELIABILITY_TRIALS=N runs N trials of scenarios 1, 3 and 5 and 2N of scenario 2 (the default,
3/8/6/3, takes ~25 s of CPU, under a minute of wall time on a loaded 2-core machine);
LAKE_T5_DELTA_RS_NOTE=0 skips the delta-rs note. Prints "t5_maintenance: N passed, M failed" and exits non-zero
on failure.
"""
import collections
import csv
import io
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
NAME = "t5_maintenance"
PARTS = 3
TEMPLATE_FILES = 18          # small files in the template table (6 per partition)
TEMPLATE_ROWS = 1000         # rows per template file
APPEND_ROWS = 2
KEY = ["writer", "seq", "row"]
COMMIT_NAME = re.compile(r"^(\d{20})\.json$")
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


def note(text):
    print(f"  note: {text}", flush=True)


# ---- inputs, lake processes -------------------------------------------------------------------

def batch_file(directory, writer, seq, rows, part, rng=None):
    path = os.path.join(directory, f"w{writer}-s{seq}.parquet")
    payload = [f"{(rng or random).random():.15f}-{writer}-{seq}-{r}" for r in range(rows)]
    pq.write_table(pa.table({
        "writer": pa.array([writer] * rows, pa.int32()),
        "seq": pa.array([seq] * rows, pa.int32()),
        "row": pa.array(range(rows), pa.int32()),
        "part": pa.array([part] * rows, pa.int32()),
        "payload": pa.array(payload, pa.string()),
    }), path)
    return path


spawned = []  # Popen'ed processes, killed at exit if a timeout left them running


def spawn(command):
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    spawned.append(process)
    return process


def lake(*args, **kwargs):
    return subprocess.run([LAKE, "--threads", "1", *args], capture_output=True, text=True, timeout=120, **kwargs)


def ingest_command(root, path):
    return [LAKE, "--threads", "1", "ingest", root, path, "--partition-by", "part", "--format", "json"]


def compact_command(root, where=None):
    command = [LAKE, "--threads", "1", "compact", root, "--target-size", "1M", "--format", "json"]
    return command + (["--where", where] if where else [])


def parse_summary(stdout):
    try:
        return json.loads(stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return None


# ---- oracles ----------------------------------------------------------------------------------

def delta_rows(root, version=None):
    """deltalake's reading of the table (at a version): Counter of keys."""
    table = deltalake.DeltaTable(root, version=version) if version is not None else deltalake.DeltaTable(root)
    data = table.to_pyarrow_table(columns=KEY)
    return collections.Counter(zip(*(data.column(c).to_pylist() for c in KEY))), table.version()


def lake_rows(root, version=None):
    """lake's reading via `lake cat --format csv`: (Counter, None) or (None, error text)."""
    args = ["cat", root, "--format", "csv", "--columns", ",".join(KEY)]
    if version is not None:
        args += ["--version", str(version)]
    result = lake(*args)
    if result.returncode != 0:
        return None, f"exit {result.returncode}: {result.stderr.strip()[:300]}"
    reader = csv.reader(io.StringIO(result.stdout))
    header = next(reader, None)
    if header != KEY:
        return None, f"header {header}"
    return collections.Counter(tuple(int(v) for v in row) for row in reader), None


def compare_reads(label, root, expected, version=None):
    """deltalake and lake both read exactly `expected` (a Counter with every count 1)."""
    at = f" at version {version}" if version is not None else ""
    try:
        rows, _ = delta_rows(root, version)
    except Exception as error:  # noqa: BLE001 - a table that does not open is the failure
        check(f"{label}: deltalake reads the table{at}", False, repr(error))
        rows = None
    if rows is not None:
        doubled = sorted(k for k, n in rows.items() if n > 1)
        check(f"{label}: deltalake reads every row exactly once{at}", rows == expected,
              f"{sum(rows.values())} rows read, {sum(expected.values())} expected; missing "
              f"{sorted(set(expected) - set(rows))[:4]}, extra {sorted(set(rows) - set(expected))[:4]}, "
              f"doubled {doubled[:4]}")
    lrows, error = lake_rows(root, version)
    if check(f"{label}: lake cat reads the table{at}", lrows is not None, error):
        check(f"{label}: lake cat reads every row exactly once{at}", lrows == expected,
              f"{sum(lrows.values())} rows read, {sum(expected.values())} expected; missing "
              f"{sorted(set(expected) - set(lrows))[:4]}, extra {sorted(set(lrows) - set(expected))[:4]}")
    return rows


def commit_versions(root):
    names = os.listdir(os.path.join(root, "_delta_log"))
    return sorted(int(m.group(1)) for m in map(COMMIT_NAME.match, names) if m)


def read_log(root):
    """[(version, commitInfo, adds, removes)] from the JSON commits, paths unescaped."""
    commits = []
    for version in commit_versions(root):
        info, adds, removes = {}, [], []
        with open(os.path.join(root, "_delta_log", f"{version:020d}.json")) as handle:
            for line in handle:
                if not line.strip():
                    continue
                action = json.loads(line)
                if "commitInfo" in action:
                    info = action["commitInfo"]
                elif "add" in action:
                    adds.append(urllib.parse.unquote(action["add"]["path"]))
                elif "remove" in action:
                    removes.append(urllib.parse.unquote(action["remove"]["path"]))
        commits.append((version, info, adds, removes))
    return commits


def check_log(label, root):
    """Versions 0..n; every remove names a file live at that point (no file rewritten twice), no
    file added twice. Returns (live files, commits)."""
    commits = read_log(root)
    versions = [c[0] for c in commits]
    check(f"{label}: log versions contiguous 0..n", versions == list(range(len(versions))), f"{versions}")
    live, problems = replay(commits)
    check(f"{label}: every remove names a live file and no file is added twice", not problems, "; ".join(problems[:4]))
    return live, commits


def replay(commits):
    live, ever, problems = set(), set(), []
    for version, info, adds, removes in commits:
        for path in removes:
            if path not in live:
                problems.append(f"v{version} {info.get('operation')} removes {path}, not live")
            live.discard(path)
        for path in adds:
            if path in live:
                problems.append(f"v{version} {info.get('operation')} adds {path}, already live")
            if path in ever and info.get("operation") != "RESTORE":
                problems.append(f"v{version} {info.get('operation')} adds {path} again")
            ever.add(path)
            live.add(path)
    return live, problems


def data_files(root):
    found = set()
    for directory, subdirectories, names in os.walk(root):
        subdirectories[:] = [d for d in subdirectories if d != "_delta_log"]
        for name in names:
            if name.endswith(".parquet"):
                found.add(os.path.relpath(os.path.join(directory, name), root))
    return found


# ---- template table ---------------------------------------------------------------------------

def build_template(work, rng):
    root = os.path.join(work, "template")
    inputs = os.path.join(work, "template-inputs")
    os.makedirs(inputs)
    for seq in range(TEMPLATE_FILES):
        result = subprocess.run(ingest_command(root, batch_file(inputs, 1000, seq, TEMPLATE_ROWS, seq % PARTS, rng)),
                                capture_output=True, text=True)
        if result.returncode != 0:
            raise SystemExit(f"{NAME}: building the template failed: {result.stderr.strip()}")
    expected = collections.Counter((1000, s, r) for s in range(TEMPLATE_FILES) for r in range(TEMPLATE_ROWS))
    return root, expected


def copy_template(template, work, name):
    root = os.path.join(work, name)
    shutil.copytree(template, root)
    return root


# ---- writers ----------------------------------------------------------------------------------

class Writer:
    """Appends tiny (writer, seq) batches to random partitions until stopped; records outcomes."""

    def __init__(self, index, root, inputs, seed):
        self.index, self.root, self.inputs = index, root, inputs
        self.rng = random.Random(seed)
        self.stopping = threading.Event()
        self.outcomes = {}  # seq -> ("acked", summary) | ("failed", detail)
        self.thread = threading.Thread(target=self.run)

    def run(self):
        seq = 0
        while not self.stopping.is_set():
            path = batch_file(self.inputs, self.index, seq, APPEND_ROWS, self.rng.randrange(PARTS), self.rng)
            result = subprocess.run(ingest_command(self.root, path), capture_output=True, text=True, timeout=120)
            summary = parse_summary(result.stdout) if result.returncode == 0 else None
            if result.returncode == 0 and summary and summary.get("committed"):
                self.outcomes[seq] = ("acked", summary)
            else:
                self.outcomes[seq] = ("failed", f"exit {result.returncode}: {result.stderr.strip()[:300]}")
            seq += 1


# ---- scenario 1 -------------------------------------------------------------------------------

def scenario_compact_with_appends(number, rng, work, template, base):
    label = f"1.{number} compact+appends"
    root = copy_template(template, work, f"s1-{number}")
    inputs = os.path.join(work, f"s1-{number}-inputs")
    os.makedirs(inputs)
    base_version = commit_versions(root)[-1]
    for path in data_files(root):
        os.utime(os.path.join(root, path), (time.time() - 8 * 86400,) * 2)
    count = rng.randint(2, 3)
    delay = rng.uniform(0.0, 0.3)
    writers = [Writer(w, root, inputs, rng.randrange(2**32)) for w in range(count)]
    for writer in writers:
        writer.thread.start()
    time.sleep(delay)
    compact = subprocess.run(compact_command(root), capture_output=True, text=True, timeout=120)
    # A vacuum with the default retention while the writers go on: the compacted-away template
    # files look a week old (aged above, before the writers started; their tombstones are fresh),
    # the writers' files are new; nothing goes. (Aging a file a writer has written but not yet
    # committed would make it a week-old orphan, which vacuum rightly deletes: not done here.)
    vacuum = lake("vacuum", root, "--format", "json")
    time.sleep(rng.uniform(0.0, 0.2))
    for writer in writers:
        writer.stopping.set()
    for writer in writers:
        writer.thread.join()

    summary = parse_summary(compact.stdout) if compact.returncode == 0 else None
    check(f"{label}: compaction exits 0 and commits", summary is not None and summary.get("committed") is True,
          f"exit {compact.returncode}, {compact.stdout.strip()[:300]} {compact.stderr.strip()[:300]}")
    outcomes = {(w.index, s): o for w in writers for s, o in w.outcomes.items()}
    acked = {k for k, (kind, _) in outcomes.items() if kind == "acked"}
    failures = {k: d for k, (kind, d) in outcomes.items() if kind == "failed"}
    check(f"{label}: every append commits (appends never conflict with compaction)", not failures,
          "; ".join(f"{k}: {v}" for k, v in list(failures.items())[:3]))
    live, commits = check_log(label, root)
    expected = base + collections.Counter((w, s, r) for (w, s) in acked for r in range(APPEND_ROWS))
    compare_reads(label, root, expected)
    orphans = data_files(root) - {p for _, _, adds, _ in commits for p in adds}
    check(f"{label}: no data file left that no commit added", not orphans, f"{sorted(orphans)[:3]}")
    optimize = [v for v, info, _, _ in commits if info.get("operation") == "OPTIMIZE"]
    check(f"{label}: the log holds exactly the compaction's OPTIMIZE commit, at the version it reported",
          summary is not None and optimize == [summary.get("version")], f"OPTIMIZE at {optimize}, summary {summary}")
    vacuum_summary = parse_summary(vacuum.stdout) if vacuum.returncode == 0 else None
    check(f"{label}: vacuum (default retention) during the appends exits 0 and deletes nothing",
          vacuum_summary is not None and not vacuum_summary.get("deleted_files"),
          f"exit {vacuum.returncode}: {vacuum.stdout.strip()[:300]} {vacuum.stderr.strip()[:300]}")
    vacuums = [v for v, info, _, _ in commits if info.get("operation") in ("VACUUM START", "VACUUM END")]
    check(f"{label}: the log holds VACUUM START and END at the versions vacuum reported",
          vacuum_summary is not None and vacuums == [vacuum_summary.get("start_version"), vacuum_summary.get("end_version")],
          f"VACUUM at {vacuums}, summary {vacuum.stdout.strip()[:200]}")
    check(f"{label}: versions = template + appends + compaction + vacuum",
          commits[-1][0] == base_version + len(acked) + len(optimize) + len(vacuums),
          f"latest {commits[-1][0]}, {len(acked)} appends")
    reported = sorted([o[1]["version"] for o in outcomes.values() if o[0] == "acked"] + optimize + vacuums)
    check(f"{label}: every commit reported a distinct version", reported == list(range(base_version + 1, commits[-1][0] + 1)),
          f"{reported}")
    overlapped = summary is not None and any((summary.get("read_version") or 0) < o[1]["version"] < (summary.get("version") or 0)
                                             for o in outcomes.values() if o[0] == "acked")
    print(f"{label}: {count} writers, compaction after {delay * 1000:.0f} ms: {len(acked)} appends acknowledged, "
          f"compaction v{summary and summary.get('version')} read v{summary and summary.get('read_version')} "
          f"({'appends committed in between' if overlapped else 'no append in between'}), "
          f"{summary and summary.get('files_removed')} files -> {summary and summary.get('files_added')}", flush=True)


# ---- scenario 2 -------------------------------------------------------------------------------

def scenario_two_compactions(number, rng, work, template, base):
    label = f"2.{number} two compactions"
    root = copy_template(template, work, f"s2-{number}")
    base_version = commit_versions(root)[-1]
    wheres = [None, None]
    if rng.random() < 0.4:
        wheres[rng.randrange(2)] = f"part = {rng.randrange(PARTS)}"
    processes = [spawn(compact_command(root, where)) for where in wheres]
    results = [(p, *p.communicate(timeout=120)) for p in processes]
    live, commits = check_log(label, root)
    compare_reads(label, root, base)
    orphans = data_files(root) - {p for _, _, adds, _ in commits for p in adds}
    check(f"{label}: no data file left that no commit added (a loser deletes its new files)", not orphans,
          f"{sorted(orphans)[:3]}")
    optimize = {v for v, info, _, _ in commits if info.get("operation") == "OPTIMIZE"}
    claimed, outcome = set(), []
    for index, (process, stdout, stderr) in enumerate(results):
        summary = parse_summary(stdout)
        who = f"{label}: compaction {index} ({wheres[index] or 'all'})"
        if process.returncode == 0:
            if check(f"{who}: exit 0 comes with a summary", summary is not None, stdout[:300]):
                if summary.get("committed"):
                    version = summary.get("version")
                    check(f"{who}: the version it reports is an OPTIMIZE commit", version in optimize and version not in claimed,
                          f"reported {version}, OPTIMIZE at {sorted(optimize)}")
                    claimed.add(version)
                    outcome.append(f"committed v{version} (retries {summary.get('conflict_retries')})")
                else:
                    check(f"{who}: exit 0 without a commit reports no version", summary.get("version") is None, f"{summary}")
                    outcome.append("nothing to do")
        else:
            check(f"{who}: non-zero exit is 1 with a conflict message",
                  process.returncode == 1 and "conflict" in stderr.lower(), f"exit {process.returncode}: {stderr.strip()[:300]}")
            outcome.append(f"exit {process.returncode}")
    check(f"{label}: every OPTIMIZE commit was reported by exactly one process", optimize == claimed,
          f"OPTIMIZE at {sorted(optimize)}, reported {sorted(claimed)}")
    check(f"{label}: at least one compaction committed", len(optimize) >= 1, f"{outcome}")
    check(f"{label}: versions = template + reported compactions", commits[-1][0] == base_version + len(claimed),
          f"latest {commits[-1][0]}")
    again = subprocess.run(compact_command(root), capture_output=True, text=True, timeout=120)
    check(f"{label}: a third compaction afterwards exits 0", again.returncode == 0, again.stderr.strip()[:300])
    if again.returncode == 0 and (parse_summary(again.stdout) or {}).get("committed"):
        compare_reads(f"{label} (then compacted again)", root, base)
    print(f"{label}: {[w or 'all' for w in wheres]} -> {outcome}", flush=True)


def scenario_overwrite_vs_compaction(number, rng, work, template, base, duration):
    """An overwrite ingest started while a compaction runs (delta-rs#1254's class: duplicate data on
    concurrent overwrite and compaction): whichever wins, the loser conflicts or re-plans, the
    table ends with the overwrite's rows if it committed and the template's otherwise."""
    label = f"2.{number} overwrite racing compaction"
    root = copy_template(template, work, f"s2-overwrite-{number}")
    inputs = os.path.join(work, f"s2-overwrite-{number}-inputs")
    os.makedirs(inputs)
    latest = commit_versions(root)[-1]
    rows = rng.randint(1, 50)
    path = batch_file(inputs, 5, 0, rows, rng.randrange(PARTS), rng)
    delay = rng.uniform(0.0, duration * 1.2)
    compaction = spawn(compact_command(root))
    time.sleep(delay)
    overwrite = subprocess.run(ingest_command(root, path)[:-2] + ["--mode", "overwrite", "--format", "json"],
                               capture_output=True, text=True, timeout=120)
    compact_out, compact_err = compaction.communicate(timeout=120)
    live, commits = check_log(label, root)
    by_operation = collections.defaultdict(set)
    for version, info, _, _ in commits[latest + 1:]:
        by_operation[info.get("operation")].add(version)
    outcome = []
    for what, code, stdout, stderr, operation in [("overwrite", overwrite.returncode, overwrite.stdout, overwrite.stderr, "WRITE"),
                                                  ("compaction", compaction.returncode, compact_out, compact_err, "OPTIMIZE")]:
        summary = parse_summary(stdout) if code == 0 else None
        if code == 0:
            reported = {summary.get("version")} if summary and summary.get("committed") else set()
            check(f"{label}: {what} exit 0 reports exactly the {operation} commit(s) in the log",
                  summary is not None and by_operation[operation] == reported,
                  f"{operation} at {sorted(by_operation[operation])}, summary {stdout.strip()[:200]}")
            outcome.append(f"{what} v{summary.get('version')}" if reported else f"{what}: nothing to do")
        else:
            check(f"{label}: {what} exit {code} is 1 with a conflict message and no {operation} commit",
                  code == 1 and "conflict" in stderr.lower() and not by_operation[operation],
                  f"exit {code}: {stderr.strip()[:300]}; {operation} at {sorted(by_operation[operation])}")
            outcome.append(f"{what} exit {code}")
    orphans = data_files(root) - {p for _, _, adds, _ in commits for p in adds}
    check(f"{label}: no data file left that no commit added", not orphans, f"{sorted(orphans)[:3]}")
    expected = collections.Counter((5, 0, r) for r in range(rows)) if by_operation["WRITE"] else base
    compare_reads(label, root, expected)
    print(f"{label}: overwrite of {rows} rows started {delay * 1000:.0f} ms after the compaction -> {outcome}", flush=True)


DELTA_RS_RACE = r"""
import sys, time, deltalake
start = float(sys.argv[2])
while time.time() < start:
    time.sleep(0.001)
try:
    metrics = deltalake.DeltaTable(sys.argv[1]).optimize.compact(target_size=1 << 20)
    print("ok", metrics.get("numFilesRemoved"), metrics.get("numFilesAdded"))
except Exception as error:
    print("error", type(error).__name__, str(error)[:120])
"""


def delta_rs_note(work, template, base):
    """delta-rs's optimize.compact() in the same race (a note, never a failure)."""
    root = copy_template(template, work, "s2-delta-rs")
    start = time.time() + 1.5
    processes = [spawn([sys.executable, "-c", DELTA_RS_RACE, root, str(start)]) for _ in range(2)]
    outcomes = [p.communicate(timeout=60)[0].strip() for p in processes]
    try:
        rows, version = delta_rows(root)
        read = f"{sum(rows.values())} rows of {sum(base.values())} at version {version}"
    except Exception as error:  # noqa: BLE001
        read = f"unreadable: {error!r}"[:200]
    _, problems = replay(read_log(root))
    note(f"delta-rs {deltalake.__version__} two concurrent optimize.compact(): {outcomes} -> {read}; "
         f"this harness's log check would flag {len(problems)} remove(s) of files no longer live")


# ---- scenario 3 -------------------------------------------------------------------------------

def scenario_kill_compaction(number, rng, work, template, base, duration):
    label = f"3.{number} kill -9 compaction"
    root = copy_template(template, work, f"s3-{number}")
    base_version = commit_versions(root)[-1]
    # Half the kills land late, when the new files are written and the commit is near.
    delay = duration * (rng.uniform(0.0, 1.0) if rng.random() < 0.5 else rng.uniform(0.7, 1.0))
    process = spawn(compact_command(root))
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    stdout, _ = process.communicate(timeout=60)
    killed = process.returncode == -signal.SIGKILL
    live, commits = check_log(label, root)
    latest = commits[-1][0]
    check(f"{label}: the table is at the template version or its compaction", latest in (base_version, base_version + 1),
          f"latest {latest}")
    orphans = data_files(root) - {p for _, _, adds, _ in commits for p in adds}
    compare_reads(label, root, base)
    temps = [n for n in os.listdir(os.path.join(root, "_delta_log")) if n.startswith(".")]

    again = subprocess.run(compact_command(root), capture_output=True, text=True, timeout=120)
    summary = parse_summary(again.stdout) if again.returncode == 0 else None
    check(f"{label}: a following compaction exits 0", summary is not None, f"exit {again.returncode}: {again.stderr.strip()[:300]}")
    compare_reads(f"{label} (compacted again)", root, base)
    vacuum = lake("vacuum", root, "--retain", "0h", "--force", "--format", "json")
    check(f"{label}: vacuum --retain 0h --force exits 0", vacuum.returncode == 0, vacuum.stderr.strip()[:300])
    live, commits = check_log(f"{label} (vacuumed)", root)
    remaining = data_files(root)
    check(f"{label}: after vacuum the data files on disk are exactly the live ones", remaining == live,
          f"not live {sorted(remaining - live)[:3]}, missing {sorted(live - remaining)[:3]}")
    compare_reads(f"{label} (vacuumed)", root, base)
    print(f"{label}: killed after {delay * 1000:.0f} ms ({'killed' if killed else f'had exited {process.returncode}'}), "
          f"table at v{latest} ({'compaction committed' if latest > base_version else 'compaction not committed'}), "
          f"{len(orphans)} orphaned data file(s), {len(temps)} log temp file(s); "
          f"then compaction {'committed' if summary and summary.get('committed') else 'found nothing'}", flush=True)


# ---- scenario 4 -------------------------------------------------------------------------------

def scenario_vacuum(work, template, base):
    label = "4 vacuum"
    root = copy_template(template, work, "s4")
    before = commit_versions(root)[-1]
    compact = subprocess.run(compact_command(root), capture_output=True, text=True, timeout=120)
    summary = parse_summary(compact.stdout)
    if not check(f"{label}: compaction commits", compact.returncode == 0 and summary and summary.get("committed"),
                 f"exit {compact.returncode}: {compact.stderr.strip()[:300]}"):
        return
    live, commits = check_log(label, root)
    removed = {p for _, info, _, removes in commits if info.get("operation") == "OPTIMIZE" for p in removes}
    # Every data file looks 8 days old: the compacted-away ones stay needed by their tombstones,
    # which are younger than the retention. Plus two orphans of a "crashed writer" (files no commit
    # names): an old one, which the default retention deletes, and a fresh one, which it keeps.
    old = time.time() - 8 * 86400
    for path in data_files(root):
        os.utime(os.path.join(root, path), (old, old))
    sample = sorted(live)[0]
    old_orphan = os.path.join(os.path.dirname(sample), "part-00000-00000000-0000-0000-0000-00000000dead-c000.zstd.parquet")
    new_orphan = os.path.join(os.path.dirname(sample), "part-00000-00000000-0000-0000-0000-00000000beef-c000.zstd.parquet")
    for orphan in (old_orphan, new_orphan):
        shutil.copyfile(os.path.join(root, sample), os.path.join(root, orphan))
    os.utime(os.path.join(root, old_orphan), (old, old))
    on_disk = data_files(root) - {old_orphan}

    default = lake("vacuum", root, "--format", "json")
    default_summary = parse_summary(default.stdout) if default.returncode == 0 else None
    check(f"{label}: default retention exits 0", default_summary is not None, default.stderr.strip()[:300])
    check(f"{label}: default retention deletes only the week-old orphan", data_files(root) == on_disk,
          f"deleted {sorted(on_disk - data_files(root))[:3]}, kept {sorted(data_files(root) - on_disk)[:3]}")
    check(f"{label}: default retention reports it as one orphan",
          default_summary is not None and default_summary.get("orphan_files") == 1
          and [urllib.parse.unquote(p) for p in default_summary.get("deleted_files", [])] == [old_orphan],
          f"{default.stdout.strip()[:400]}")
    removed.add(new_orphan)
    versions = commit_versions(root)
    refused = lake("vacuum", root, "--retain", "0h", "--format", "json")
    check(f"{label}: --retain 0h without --force exits 1 with an error",
          refused.returncode == 1 and "error:" in refused.stderr and "--force" in refused.stderr,
          f"exit {refused.returncode}: {refused.stderr.strip()[:300]}")
    check(f"{label}: --retain 0h without --force deletes and commits nothing",
          data_files(root) == on_disk and commit_versions(root) == versions, "")
    dry = lake("vacuum", root, "--retain", "0h", "--force", "--dry-run", "--format", "json")
    dry_summary = parse_summary(dry.stdout) if dry.returncode == 0 else None
    check(f"{label}: --dry-run exits 0", dry_summary is not None, f"exit {dry.returncode}: {dry.stderr.strip()[:300]}")
    check(f"{label}: --dry-run deletes and commits nothing", data_files(root) == on_disk and commit_versions(root) == versions, "")
    if dry_summary is not None:
        listed = {urllib.parse.unquote(p) for p in dry_summary.get("deleted_files", [])}
        check(f"{label}: --dry-run lists exactly the compacted-away files and the fresh orphan", listed == removed,
              f"listed {len(listed)}, removed {len(removed)}; extra {sorted(listed - removed)[:3]}")
    forced = lake("vacuum", root, "--retain", "0h", "--force", "--format", "json")
    check(f"{label}: --retain 0h --force exits 0", forced.returncode == 0, forced.stderr.strip()[:300])
    check(f"{label}: --retain 0h --force deletes exactly the compacted-away files and the fresh orphan",
          data_files(root) == on_disk - removed,
          f"left {sorted(data_files(root) - (on_disk - removed))[:3]}, lost {sorted((on_disk - removed) - data_files(root))[:3]}")
    check_log(f"{label} (vacuumed)", root)
    compare_reads(f"{label} (vacuumed)", root, base)
    travel = lake("cat", root, "--format", "csv", "--columns", ",".join(KEY), "--version", str(before))
    rows = [line for line in travel.stdout.splitlines()[1:] if line.strip()]
    check(f"{label}: time travel to pre-compaction v{before} fails cleanly (exit 1, error, no rows)",
          travel.returncode == 1 and travel.stderr.startswith("error:") and not rows,
          f"exit {travel.returncode}, {len(rows)} rows, stderr {travel.stderr.strip()[:300]}")
    try:
        delta_rows(root, before)
        note(f"deltalake read vacuumed version {before} without error")
    except Exception as error:  # noqa: BLE001
        note(f"deltalake on vacuumed version {before} fails too: {type(error).__name__}")
    print(f"{label}: {len(removed) - 1} compacted-away files and 2 orphans, {len(on_disk) + 1} data files before vacuum",
          flush=True)


# ---- scenario 5 -------------------------------------------------------------------------------

def scenario_restore(number, rng, work, template, base):
    label = f"5.{number} restore"
    root = copy_template(template, work, f"s5-{number}")
    inputs = os.path.join(work, f"s5-{number}-inputs")
    os.makedirs(inputs)
    # A history with appends, a compaction and an overwrite-free mix, then restore to a random version.
    steps = []
    for seq in range(rng.randint(1, 3)):
        steps.append(subprocess.run(ingest_command(root, batch_file(inputs, 7, seq, APPEND_ROWS, rng.randrange(PARTS), rng)),
                                    capture_output=True, text=True))
    if rng.random() < 0.7:
        steps.append(subprocess.run(compact_command(root), capture_output=True, text=True))
    steps.append(subprocess.run(ingest_command(root, batch_file(inputs, 8, 0, APPEND_ROWS, 0, rng)), capture_output=True, text=True))
    if not check(f"{label}: setup commits", all(s.returncode == 0 for s in steps), [s.stderr[:200] for s in steps if s.returncode]):
        return
    latest = commit_versions(root)[-1]
    target = rng.randrange(0, latest)
    try:
        wanted, _ = delta_rows(root, target)
    except Exception as error:  # noqa: BLE001
        check(f"{label}: deltalake reads version {target}", False, repr(error))
        return
    lake_target, error = lake_rows(root, target)
    check(f"{label}: lake cat --version {target} equals deltalake's", lake_target == wanted, error or "rows differ")
    by = ["--version", str(target)]
    if rng.random() < 0.5:  # by the commit time history shows for the target version
        history = lake("history", root, "--format", "jsonl")
        times = {row["version"]: row["timestamp"] for row in map(json.loads, filter(str.strip, history.stdout.splitlines()))}
        if check(f"{label}: history gives v{target}'s commit time", target in times, history.stderr.strip()[:300]):
            by = ["--timestamp", times[target]]
    restore = lake("restore", root, *by, "--format", "json")
    summary = parse_summary(restore.stdout) if restore.returncode == 0 else None
    check(f"{label}: restore {' '.join(by)} exits 0 and reports v{target} restored as v{latest + 1}",
          summary is not None and summary.get("version") == latest + 1 and summary.get("restored_version") == target,
          f"exit {restore.returncode}: {restore.stdout.strip()[:200]} {restore.stderr.strip()[:300]}")
    check_log(label, root)
    compare_reads(f"{label} (restored to v{target})", root, wanted)
    history = lake("history", root, "--limit", "1", "--format", "jsonl")
    try:
        top = json.loads(history.stdout.splitlines()[0])
    except (ValueError, IndexError):
        top = None
    check(f"{label}: history's newest version is RESTORE of v{target}",
          top is not None and top.get("operation") == "RESTORE" and top.get("version") == latest + 1
          and str((top.get("operationParameters") or {}).get("version")) == str(target),
          f"exit {history.returncode}: {history.stdout.strip()[:300]}")
    print(f"{label}: versions 0..{latest}, restored v{target} ({sum(wanted.values())} rows, {' '.join(by)}) "
          f"as v{latest + 1}", flush=True)


def scenario_restore_vs_compaction(number, rng, work, template, base, duration):
    """A restore and a compaction started together: whichever wins, the table ends with exactly the
    rows of the restored version, and each exit status tells what its process committed."""
    label = f"5.{number} restore racing compaction"
    root = copy_template(template, work, f"s5-race-{number}")
    latest = commit_versions(root)[-1]
    target = rng.randrange(1, latest)
    wanted, _ = delta_rows(root, target)
    delay = rng.uniform(0.0, duration * 1.3)  # either may win
    compaction = spawn(compact_command(root))
    time.sleep(delay)
    restore = lake("restore", root, "--version", str(target), "--format", "json")
    compact_out, compact_err = compaction.communicate(timeout=120)
    live, commits = check_log(label, root)
    by_operation = collections.defaultdict(set)
    for version, info, _, _ in commits[latest + 1:]:
        by_operation[info.get("operation")].add(version)
    outcome = []
    for what, code, stdout, stderr, operation in [("restore", restore.returncode, restore.stdout, restore.stderr, "RESTORE"),
                                                  ("compaction", compaction.returncode, compact_out, compact_err, "OPTIMIZE")]:
        summary = parse_summary(stdout) if code == 0 else None
        if code == 0:
            committed = summary is not None and (operation == "RESTORE" or summary.get("committed"))
            reported = {summary.get("version")} if committed else set()
            check(f"{label}: {what} exit 0 reports exactly the {operation} commit(s) in the log",
                  summary is not None and by_operation[operation] == reported,
                  f"{operation} at {sorted(by_operation[operation])}, summary {stdout.strip()[:200]}")
            outcome.append(f"{what} v{summary.get('version')}" if summary and summary.get("version") is not None
                           else f"{what}: nothing to do")
        else:
            check(f"{label}: {what} exit {code} is 1 with a conflict message and no {operation} commit",
                  code == 1 and "conflict" in stderr.lower() and not by_operation[operation],
                  f"exit {code}: {stderr.strip()[:300]}; {operation} at {sorted(by_operation[operation])}")
            outcome.append(f"{what} exit {code}")
    orphans = data_files(root) - {p for _, _, adds, _ in commits for p in adds}
    check(f"{label}: no data file left that no commit added", not orphans, f"{sorted(orphans)[:3]}")
    expected = wanted if by_operation["RESTORE"] else base
    compare_reads(label, root, expected)
    print(f"{label}: restore to v{target} started {delay * 1000:.0f} ms after the compaction -> {outcome}", flush=True)


def scenario_restore_vacuumed(work, template, base):
    label = "5 restore after vacuum"
    root = copy_template(template, work, "s5-vacuumed")
    before = commit_versions(root)[-1]
    compact = subprocess.run(compact_command(root), capture_output=True, text=True)
    vacuum = lake("vacuum", root, "--retain", "0h", "--force")
    if not check(f"{label}: compaction and vacuum exit 0", compact.returncode == 0 and vacuum.returncode == 0,
                 compact.stderr[:200] + vacuum.stderr[:200]):
        return
    versions = commit_versions(root)
    restore = lake("restore", root, "--version", str(before - 1), "--format", "json")
    check(f"{label}: restore to vacuumed v{before - 1} exits 1 with an error",
          restore.returncode == 1 and restore.stderr.startswith("error:"),
          f"exit {restore.returncode}: {restore.stdout.strip()[:200]} {restore.stderr.strip()[:300]}")
    check(f"{label}: it commits nothing", commit_versions(root) == versions, f"{versions} -> {commit_versions(root)}")
    compare_reads(label, root, base)


# ---- checkpoint -------------------------------------------------------------------------------

def scenario_checkpoint(work, template, base):
    label = "6 checkpoint"
    root = copy_template(template, work, "s6")
    inputs = os.path.join(work, "s6-inputs")
    os.makedirs(inputs)
    subprocess.run(compact_command(root), capture_output=True, text=True)
    latest = commit_versions(root)[-1]
    result = lake("checkpoint", root)
    check(f"{label}: lake checkpoint exits 0", result.returncode == 0, result.stderr.strip()[:300])
    check(f"{label}: the checkpoint file of v{latest} exists",
          os.path.exists(os.path.join(root, "_delta_log", f"{latest:020d}.checkpoint.parquet")), f"{os.listdir(os.path.join(root, '_delta_log'))}")
    compare_reads(label, root, base)
    extra = subprocess.run(ingest_command(root, batch_file(inputs, 9, 0, APPEND_ROWS, 1)), capture_output=True, text=True)
    check(f"{label}: an append after the checkpoint exits 0", extra.returncode == 0, extra.stderr.strip()[:300])
    compare_reads(f"{label} (+1 append)", root, base + collections.Counter((9, 0, r) for r in range(APPEND_ROWS)))
    expected = base + collections.Counter((9, 0, r) for r in range(APPEND_ROWS))
    # Readers that only have the checkpoint: drop the commits before it in a copy.
    copy = os.path.join(work, "s6-trimmed")
    shutil.copytree(root, copy)
    for version in range(latest + 1):
        os.remove(os.path.join(copy, "_delta_log", f"{version:020d}.json"))
    compare_reads(f"{label} (commits before the checkpoint removed)", copy, expected)
    # Log cleanup: commits up to the checkpoint 31 days old, so vacuum (default delta.logRetentionDuration,
    # 30 days) deletes the log files before the checkpoint; the latest version reads the same.
    old = time.time() - 31 * 86400
    for version in range(latest + 1):
        os.utime(os.path.join(root, "_delta_log", f"{version:020d}.json"), (old, old))
    vacuum = lake("vacuum", root, "--format", "json")
    summary = parse_summary(vacuum.stdout) if vacuum.returncode == 0 else None
    check(f"{label}: vacuum with the default retentions exits 0", summary is not None, vacuum.stderr.strip()[:300])
    remaining = commit_versions(root)
    check(f"{label}: vacuum deleted the commits before the checkpoint of v{latest}", remaining and remaining[0] == latest,
          f"commits left {remaining[:3]}…, summary {vacuum.stdout.strip()[:300]}")
    check(f"{label}: vacuum deleted no data file", not (summary or {}).get("deleted_files"), vacuum.stdout.strip()[:300])
    compare_reads(f"{label} (log cleaned)", root, expected)
    travel = lake("cat", root, "--format", "csv", "--columns", ",".join(KEY), "--version", "1")
    rows = [line for line in travel.stdout.splitlines()[1:] if line.strip()]
    check(f"{label}: time travel to a cleaned-up version fails cleanly (exit 1, error, no rows)",
          travel.returncode == 1 and travel.stderr.startswith("error:") and not rows,
          f"exit {travel.returncode}, {len(rows)} rows, stderr {travel.stderr.strip()[:300]}")
    history = lake("history", root, "--format", "jsonl")
    listed = [json.loads(line)["version"] for line in history.stdout.splitlines() if line.strip()]
    check(f"{label}: history lists the versions from the checkpoint on",
          history.returncode == 0 and listed and min(listed) == latest and max(listed) == remaining[-1],
          f"exit {history.returncode}: versions {listed[:3]}…{listed[-3:]} {history.stderr.strip()[:200]}")


def measure_compaction(work, template):
    """The shortest of two compactions of the template: the window scenario 3 kills in."""
    durations = []
    for attempt in range(2):
        root = copy_template(template, work, f"measure{attempt}")
        started = time.monotonic()
        result = subprocess.run(compact_command(root), capture_output=True, text=True)
        durations.append(time.monotonic() - started if result.returncode == 0 else 0.3)
    return max(min(durations), 0.05)


def main():
    seed = int(os.environ.get("LAKE_T5_SEED") or random.SystemRandom().randrange(2**32))
    scale = int(os.environ.get("LAKE_RELIABILITY_TRIALS") or 0)
    counts = {1: scale or 3, 2: scale * 2 or 8, 3: scale or 6, 5: scale or 3}
    print(f"{NAME}: seed {seed} (replay with LAKE_T5_SEED={seed}), trials {counts}", flush=True)
    rng = random.Random(seed)
    started = time.monotonic()
    work = tempfile.mkdtemp(prefix="lake-t5-")
    try:
        template, base = build_template(work, rng)
        duration = measure_compaction(work, template)
        print(f"{NAME}: template of {TEMPLATE_FILES} files, {sum(base.values())} rows built; compaction takes "
              f"{duration * 1000:.0f} ms", flush=True)
        phases = [
            ("1 compaction with appends", lambda rng: [scenario_compact_with_appends(n, rng, work, template, base)
                                                       for n in range(1, counts[1] + 1)]),
            ("2 two compactions", lambda rng: [scenario_two_compactions(n, rng, work, template, base)
                                               for n in range(1, counts[2] + 1)]),
            ("2 overwrite racing compaction", lambda rng: [scenario_overwrite_vs_compaction(n, rng, work, template, base, duration)
                                                           for n in range(1, counts[5] + 1)]),
            ("2 delta-rs note", lambda rng: delta_rs_note(work, template, base)
             if os.environ.get("LAKE_T5_DELTA_RS_NOTE", "1") == "1" else None),
            ("3 kill -9 compaction", lambda rng: [scenario_kill_compaction(n, rng, work, template, base, duration)
                                                  for n in range(1, counts[3] + 1)]),
            ("4 vacuum", lambda rng: scenario_vacuum(work, template, base)),
            ("5 restore", lambda rng: [scenario_restore(n, rng, work, template, base) for n in range(1, counts[5] + 1)]
             + [scenario_restore_vs_compaction(n, rng, work, template, base, duration) for n in range(1, counts[5] + 1)]
             + [scenario_restore_vacuumed(work, template, base)]),
            ("6 checkpoint", lambda rng: scenario_checkpoint(work, template, base)),
        ]
        only = set(filter(None, os.environ.get("LAKE_T5_SCENARIOS", "").split(",")))
        for title, run in phases:
            if only and title.split()[0] not in only:
                continue
            phase_started = time.monotonic()
            try:
                run(random.Random(f"{seed} {title}"))  # one stream per scenario: a subset replays the same
            except subprocess.TimeoutExpired as error:  # a hang is a failure of lake, not of the harness
                check(f"scenario {title}: no lake process hangs", False, f"{' '.join(map(str, error.cmd))[:300]} "
                      f"ran over {error.timeout} s")
            print(f"{NAME}: scenario {title} done in {time.monotonic() - phase_started:.1f} s", flush=True)
    finally:
        for process in spawned:
            if process.poll() is None:
                process.kill()
                process.wait()
        shutil.rmtree(work, ignore_errors=True)
    print(f"{NAME}: {passed} passed, {failed} failed ({time.monotonic() - started:.1f} s)")
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())

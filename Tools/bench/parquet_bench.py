#!/usr/bin/env python3
"""Parquet read/write benchmark: LakeParquet (`lake-parquet-bench`) next to pyarrow.

Decodes the TPC-H SF1 `lineitem` table (16 columns, 6,001,215 rows) from a
zstd Parquet file written by pyarrow, and writes it back as zstd level 3
Parquet, on 1 and 2 threads, in ONE run with interleaved repetitions
(A B, B A, A B) so that machine-speed drift hits both engines alike.  Each
timed process is pinned with `taskset -c 0` (1 thread) or `taskset -c 0,1`
(2 threads).  Only the ratios of one run mean anything (see
../../../shared/bench/README.md, "Only ratios from one run count").

    python3 Tools/bench/parquet_bench.py                       # from the package root
    python3 Tools/bench/parquet_bench.py --threads 1,2 --reps 3 \\
        --lake-bench "$(swift build -c release --show-bin-path)/lake-parquet-bench"

Cells:
  read   pyarrow: `pq.read_table(path)` in a fresh worker process
                  (`pa.set_cpu_count(N)`, `pa.set_io_thread_count(N)` before the
                  read), timing the read only.
         lake:    `lake-parquet-bench read FILE --threads N`: the in-process
                  time it reports (open + footer + decode of every column) and
                  the whole process (start-up, exit and freeing included).
  write  pyarrow: `pq.write_table(table, out, compression='zstd',
                  compression_level=3)` of a table read beforehand (untimed).
         lake:    `lake-parquet-bench write IN OUT --threads N`: the in-process
                  time it reports (create + write every batch + close) and the
                  whole process (which also reads IN: compared with pyarrow's
                  read + write in one worker).
CPU time (user + sys, all threads) is recorded for every cell, since the
machine is shared.  Afterwards lake's written file is read back by pyarrow and
compared with the input (rows, per-column sum/min/max of numeric columns, and
full table equality).  A fast wrong answer is not a result: the exit status is
1 when a check fails.

The harness uses only the standard library; it re-runs itself with the bench
venv's Python (created by ../shared/bench/setup.sh, which it calls when the
venv or the CSV is missing).
"""

import argparse
import datetime
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time

SCRIPT = os.path.abspath(__file__)
HERE = os.path.dirname(SCRIPT)
PACKAGE_ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
RESULT_TAG = "@@RESULT "
ZSTD_LEVEL = 3
TIMEOUT_S = 900

# The bench's explicit lineitem schema (shared/bench/peers.py SCHEMAS["lineitem"]):
# integers int64, TPC-H decimals float64, dates date32, text string.
LINEITEM_SCHEMA = [
    ("l_orderkey", "int64"), ("l_partkey", "int64"), ("l_suppkey", "int64"),
    ("l_linenumber", "int64"), ("l_quantity", "float64"),
    ("l_extendedprice", "float64"), ("l_discount", "float64"), ("l_tax", "float64"),
    ("l_returnflag", "string"), ("l_linestatus", "string"),
    ("l_shipdate", "date"), ("l_commitdate", "date"), ("l_receiptdate", "date"),
    ("l_shipinstruct", "string"), ("l_shipmode", "string"), ("l_comment", "string"),
]


def bench_home():
    return os.environ.get("LAKE_BENCH_HOME") or os.path.join(
        os.path.expanduser("~"), ".cache", "lake-bench")


def default_venv():
    return os.environ.get("LAKE_BENCH_VENV") or os.path.join(bench_home(), "venv")


def default_setup():
    return os.environ.get("LAKE_BENCH_SETUP") or os.path.abspath(
        os.path.join(PACKAGE_ROOT, "..", "shared", "bench", "setup.sh"))


def median(xs):
    return statistics.median(xs) if xs else None


def rm(path):
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)
    elif os.path.lexists(path):
        os.remove(path)


# ==========================================================================
# worker side (a fresh Python per cell; thread limits before importing pyarrow)
# ==========================================================================
def arrow_schema():
    import pyarrow as pa
    m = {"int64": pa.int64(), "float64": pa.float64(), "string": pa.string(), "date": pa.date32()}
    return pa.schema([(c, m[t]) for c, t in LINEITEM_SCHEMA])


def cpu_seconds():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def peak_rss_mb():
    """VmHWM of this process (ru_maxrss carries the parent's RSS across fork+exec)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def file_info(path):
    """Rows, row groups, size and per-column codecs/encodings from the footer."""
    import pyarrow.parquet as pq
    md = pq.ParquetFile(path).metadata
    cols = []
    if md.num_row_groups:
        rg = md.row_group(0)
        for i in range(rg.num_columns):
            c = rg.column(i)
            cols.append({"path": c.path_in_schema, "physical": c.physical_type,
                         "codec": c.compression, "encodings": list(c.encodings)})
    sizes = []
    for g in range(md.num_row_groups):
        rg = md.row_group(g)
        sizes.append(rg.num_rows)
    return {"bytes": os.path.getsize(path), "rows": md.num_rows, "row_groups": md.num_row_groups,
            "row_group_rows": sorted(set(sizes)), "created_by": md.created_by, "columns": cols}


def worker_prepare(spec):
    """Writes the input file once: CSV -> pyarrow zstd Parquet (defaults otherwise)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq
    out, tmp = spec["out"], spec["out"] + ".tmp"
    t0 = time.perf_counter()
    tbl = pacsv.read_csv(spec["csv"], convert_options=pacsv.ConvertOptions(column_types=arrow_schema()))
    rm(tmp)
    pq.write_table(tbl, tmp, compression="zstd", compression_level=ZSTD_LEVEL)
    os.replace(tmp, out)
    return {"info": {"seconds": time.perf_counter() - t0, "pyarrow": pa.__version__}}


def worker_info(spec):
    return {"info": file_info(spec["path"])}


def worker_pyarrow_read(spec):
    import pyarrow as pa
    import pyarrow.parquet as pq
    n = spec["threads"]
    pa.set_cpu_count(n)
    pa.set_io_thread_count(n)
    c0, t0 = cpu_seconds(), time.perf_counter()
    tbl = pq.read_table(spec["path"])
    t1, c1 = time.perf_counter(), cpu_seconds()
    return {"seconds": t1 - t0, "cpu_seconds": c1 - c0, "rows": tbl.num_rows,
            "columns": tbl.num_columns}


def worker_pyarrow_write(spec):
    import pyarrow as pa
    import pyarrow.parquet as pq
    n = spec["threads"]
    pa.set_cpu_count(n)
    pa.set_io_thread_count(n)
    out = spec["out"]
    rm(out)
    t0 = time.perf_counter()
    tbl = pq.read_table(spec["path"])          # untimed for the write cell
    c1, t1 = cpu_seconds(), time.perf_counter()
    pq.write_table(tbl, out, compression="zstd", compression_level=ZSTD_LEVEL)
    t2, c2 = time.perf_counter(), cpu_seconds()
    return {"seconds": t2 - t1, "cpu_seconds": c2 - c1, "read_plus_write_seconds": t2 - t0,
            "rows": tbl.num_rows, "bytes": os.path.getsize(out)}


def column_stats(tbl):
    """Per column: (sum, min, max) for numbers and dates (dates as day numbers),
    (total UTF-8 bytes, min, max) for strings, plus null counts."""
    import pyarrow as pa
    import pyarrow.compute as pc
    out = {}
    for name in tbl.column_names:
        col = tbl.column(name)
        if pa.types.is_date32(col.type):
            col = col.cast(pa.int32()).cast(pa.int64())
        if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
            total = pc.sum(pc.binary_length(col)).as_py()
        else:
            total = pc.sum(col).as_py()
        mm = pc.min_max(col).as_py()
        out[name] = {"sum": total, "min": mm["min"], "max": mm["max"], "nulls": col.null_count,
                     "type": str(tbl.schema.field(name).type)}
    return out


def worker_check(spec):
    """Reads lake's written file with pyarrow and compares it with the input."""
    import math
    import pyarrow.parquet as pq
    ref = pq.read_table(spec["ref"])
    got = pq.read_table(spec["path"])
    problems = []
    if got.num_rows != ref.num_rows:
        problems.append(f"rows {got.num_rows} != {ref.num_rows}")
    if got.column_names != ref.column_names:
        problems.append(f"columns {got.column_names} != {ref.column_names}")
    gs = {}
    if not problems:
        rs, gs = column_stats(ref), column_stats(got)
        for name, r in rs.items():
            g = gs[name]
            for k in ("min", "max", "nulls"):
                if g[k] != r[k]:
                    problems.append(f"{name}.{k} {g[k]!r} != {r[k]!r}")
            if isinstance(r["sum"], float):
                if not math.isclose(g["sum"], r["sum"], rel_tol=1e-12):
                    problems.append(f"{name}.sum {g['sum']!r} != {r['sum']!r}")
            elif g["sum"] != r["sum"]:
                problems.append(f"{name}.sum {g['sum']!r} != {r['sum']!r}")
    equal = None
    if not problems:
        try:
            same = got if got.schema.equals(ref.schema) else got.cast(ref.schema)
            equal = same.equals(ref)
        except Exception as e:  # noqa: BLE001 - a schema pyarrow cannot cast is a failure too
            problems.append(f"cannot compare tables: {e}")
        if equal is False:
            problems.append("values differ (Table.equals is false although the statistics match)")
    info = file_info(spec["path"])
    info["schema"] = [f"{f.name}: {f.type}{'' if f.nullable else ' not null'}" for f in got.schema]
    info["stats"] = gs
    return {"check": "ok" if not problems else "MISMATCH " + "; ".join(problems[:8]),
            "info": info, "table_equal": equal}


def worker_main(spec_json):
    spec = json.loads(spec_json)
    n = spec.get("threads")
    if n:
        for var in ("OMP_NUM_THREADS", "ARROW_IO_THREADS", "OPENBLAS_NUM_THREADS"):
            os.environ[var] = str(n)
    fn = {"prepare": worker_prepare, "info": worker_info, "pyarrow_read": worker_pyarrow_read,
          "pyarrow_write": worker_pyarrow_write, "check": worker_check}[spec["kind"]]
    res = fn(spec)
    res["max_rss_mb"] = peak_rss_mb()
    sys.stdout.write("\n" + RESULT_TAG + json.dumps(res, default=str) + "\n")
    sys.stdout.flush()


# ==========================================================================
# main side
# ==========================================================================
class Harness:
    def __init__(self, args):
        self.args = args
        self.t_start = time.time()
        self.cpus = sorted(os.sched_getaffinity(0))

    def log(self, msg):
        print(f"[{time.time() - self.t_start:7.1f}s] {msg}", file=sys.stderr, flush=True)

    def pin_prefix(self, threads):
        if not threads or self.args.no_pin or not shutil.which("taskset"):
            return []
        return ["taskset", "-c", ",".join(str(c) for c in self.cpus[:threads])]

    def run(self, argv, threads):
        """Runs argv (pinned to the first `threads` cores; unpinned when None) as one timed process.
        Returns (wall_s, cpu_s, rc, stdout, stderr); cpu_s is the child's
        user+sys from wait4 (taskset execs the program, so it is the same pid)."""
        import tempfile
        full = self.pin_prefix(threads) + argv
        with tempfile.TemporaryFile() as fo, tempfile.TemporaryFile() as fe:
            t0 = time.perf_counter()
            try:
                p = subprocess.Popen(full, stdout=fo, stderr=fe, start_new_session=True)
            except OSError as e:
                return 0.0, None, 127, "", f"cannot run {full[0]}: {e}"
            timer = threading.Timer(TIMEOUT_S, lambda: os.killpg(p.pid, 9))
            timer.start()
            try:
                _, status, ru = os.wait4(p.pid, 0)
            finally:
                timer.cancel()
            wall = time.perf_counter() - t0
            p.returncode = os.waitstatus_to_exitcode(status)
            fo.seek(0)
            fe.seek(0)
            out = fo.read().decode(errors="replace")
            err = fe.read().decode(errors="replace")
        return wall, ru.ru_utime + ru.ru_stime, p.returncode, out, err

    def worker(self, spec, threads=None):
        """A fresh Python worker (pinned when `threads` is given); returns its result dict."""
        if threads:
            spec["threads"] = threads
        argv = [sys.executable, SCRIPT, "--_worker", json.dumps(spec)]
        wall, cpu, rc, out, err = self.run(argv, threads)
        for line in out.splitlines():
            if line.startswith(RESULT_TAG):
                res = json.loads(line[len(RESULT_TAG):])
                res["process_seconds"] = wall
                res["process_cpu_seconds"] = cpu
                return res
        tail = " | ".join((err or out).strip().splitlines()[-6:])
        return {"error": f"worker {spec['kind']} failed (rc={rc}): {tail}"}

    def lake(self, argv, threads):
        """One whole-process lake-parquet-bench run; returns a result dict with
        the in-process numbers it printed plus the whole-process wall/CPU."""
        wall, cpu, rc, out, err = self.run([self.args.lake_bench] + argv, threads)
        if rc != 0:
            return {"error": f"lake-parquet-bench rc={rc}: {(err.strip() or out.strip())[-400:]}"}
        lines = [json.loads(x) for x in out.splitlines() if x.startswith("{")]
        if not lines:
            return {"error": f"lake-parquet-bench printed no result: {out[-200:]!r}"}
        res = dict(lines[-1])
        res["process_seconds"] = wall
        res["process_cpu_seconds"] = cpu
        return res

    def probe(self):
        """Machine-speed probe: `zstd -3` of a 32 MiB CSV slice on each core (best of 3), MB/s."""
        if self.args.no_probe or not shutil.which("zstd"):
            return None
        size = os.path.getsize(self.args.probe_file)
        speeds = []
        for cpu in self.cpus[:2]:
            best = None
            for _ in range(3):
                t0 = time.perf_counter()
                subprocess.run(["zstd", "-3", "-q", "-c", self.args.probe_file],
                               stdout=subprocess.DEVNULL, check=True,
                               preexec_fn=lambda c=cpu: os.sched_setaffinity(0, {c}))
                t = time.perf_counter() - t0
                best = t if best is None else min(best, t)
            speeds.append(round(size / best / 1e6, 1))
        return speeds

    def group(self, name, cells):
        """cells: [(label, fn(rep) -> result dict)]; reps interleaved A B, B A, A B."""
        probe = self.probe()
        acc = {label: [] for label, _ in cells}
        for rep in range(self.args.reps):
            order = cells if rep % 2 == 0 else cells[::-1]
            for label, fn in order:
                res = fn(rep)
                acc[label].append(res)
                if "error" in res:
                    self.log(f"{name} {label} rep {rep}: ERROR {res['error']}")
                else:
                    extra = (f" (whole process {res['process_seconds']:.3f}s)"
                             if label == "lake" else "")
                    self.log(f"{name} {label} rep {rep}: {res['seconds']:.3f}s "
                             f"cpu {res.get('cpu_seconds', float('nan')):.3f}s{extra}")
        return {"probe_zstd3_MBps": probe, "runs": acc}


def summarize(runs, key):
    xs = [r[key] for r in runs if "error" not in r and r.get(key) is not None]
    return {"median": median(xs), "min": min(xs) if xs else None,
            "max": max(xs) if xs else None, "all": xs}


def ensure_environment(args):
    """Runs shared/bench/setup.sh when the venv or the SF1 CSV is missing,
    then re-executes this script with the venv's Python."""
    venv = args.venv or default_venv()
    py = os.path.join(venv, "bin", "python")
    csv = os.path.join(args.data, "sf1", "csv", "lineitem.csv")
    if not os.path.exists(py) or not os.path.exists(csv):
        setup = default_setup()
        if not os.path.exists(setup):
            sys.exit(f"missing {py} or {csv}, and no setup script at {setup} (set LAKE_BENCH_SETUP)")
        print(f"parquet_bench: running {setup} 1", file=sys.stderr)
        subprocess.run(["bash", setup, "1"], check=True)
    if os.path.realpath(sys.prefix) != os.path.realpath(venv) \
            and not os.environ.get("LAKE_BENCH_REEXEC"):
        os.environ["LAKE_BENCH_REEXEC"] = "1"
        os.execv(py, [py, SCRIPT] + sys.argv[1:])


def find_lake_bench(explicit):
    if explicit:
        return os.path.abspath(explicit)
    try:
        p = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=PACKAGE_ROOT,
                           capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError) as e:
        sys.exit(f"cannot find the release bin path (pass --lake-bench): {e}")
    return os.path.join(p.stdout.strip(), "lake-parquet-bench")


def fmt(x, w=8, d=3):
    return f"{x:{w}.{d}f}" if isinstance(x, (int, float)) else f"{'-':>{w}s}"


def ratio(a, b):
    return a / b if isinstance(a, (int, float)) and isinstance(b, (int, float)) and b else None


def markdown(rows):
    head = ("| operation | threads | pyarrow s | lake s | ratio lake/pyarrow | ratio of mins | "
            "pyarrow CPU s | lake CPU s | CPU ratio | check |")
    lines = [head, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        lines.append(
            f"| {r['op']} | {r['threads']} | {fmt(r['pyarrow'])} | {fmt(r['lake'])} | "
            f"{fmt(ratio(r['lake'], r['pyarrow']), 5, 2)} | "
            f"{fmt(ratio(r.get('lake_min'), r.get('pyarrow_min')), 5, 2)} | "
            f"{fmt(r.get('pyarrow_cpu'))} | {fmt(r.get('lake_cpu'))} | "
            f"{fmt(ratio(r.get('lake_cpu'), r.get('pyarrow_cpu')), 5, 2)} | {r.get('check', '')} |")
    return "\n".join(lines)


def table_row(op, threads, pa_runs, pa_key, lake_runs, lake_key, pa_cpu_key, lake_cpu_key, check):
    """One table row: medians (and mins) of the two cells' reps."""
    p, lk = summarize(pa_runs, pa_key), summarize(lake_runs, lake_key)
    return {"op": op, "threads": threads, "pyarrow": p["median"], "lake": lk["median"],
            "pyarrow_min": p["min"], "lake_min": lk["min"], "pyarrow_all": p["all"], "lake_all": lk["all"],
            "pyarrow_cpu": summarize(pa_runs, pa_cpu_key)["median"] if pa_cpu_key else None,
            "lake_cpu": summarize(lake_runs, lake_cpu_key)["median"], "check": check}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lake-bench", help="the lake-parquet-bench binary "
                    "(default: $(swift build -c release --show-bin-path)/lake-parquet-bench)")
    ap.add_argument("--threads", default="1,2", help="comma list of thread counts (default 1,2)")
    ap.add_argument("--reps", type=int, default=3, help="timed reps per cell, interleaved (default 3)")
    ap.add_argument("--only", default="read,write", help="read, write or both (default read,write)")
    ap.add_argument("--no-pin", action="store_true", help="do not pin processes with taskset")
    ap.add_argument("--no-probe", action="store_true", help="skip the zstd machine-speed probe")
    ap.add_argument("--data", default=None, help="data root (default $LAKE_BENCH_HOME/data)")
    ap.add_argument("--venv", default=None, help="bench venv (default $LAKE_BENCH_HOME/venv)")
    ap.add_argument("--input", default=None,
                    help="use this Parquet file instead of the prepared lineitem_zstd.parquet")
    ap.add_argument("--json", default=None, help="results file (default "
                    "$LAKE_BENCH_HOME/results/parquet_bench_<time>.json)")
    ap.add_argument("--_worker", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args._worker:
        return worker_main(args._worker)
    args.data = os.path.abspath(args.data or os.path.join(bench_home(), "data"))
    ensure_environment(args)
    args.lake_bench = find_lake_bench(args.lake_bench)
    if not os.access(args.lake_bench, os.X_OK):
        sys.exit(f"no lake-parquet-bench at {args.lake_bench}: run "
                 f"`swift build -c release --product lake-parquet-bench` in {PACKAGE_ROOT}")
    threads = [int(t) for t in args.threads.split(",") if t]
    ops = [o for o in args.only.split(",") if o]
    H = Harness(args)

    root = os.path.join(args.data, "sf1", "parquet-bench")
    work = os.path.join(root, "work")
    os.makedirs(work, exist_ok=True)
    csv = os.path.join(args.data, "sf1", "csv", "lineitem.csv")
    src = os.path.abspath(args.input) if args.input else os.path.join(root, "lineitem_zstd.parquet")
    if not os.path.exists(src):
        H.log(f"preparing {src} from {csv} with pyarrow (zstd level {ZSTD_LEVEL})")
        res = H.worker({"kind": "prepare", "csv": csv, "out": src})
        if "error" in res:
            sys.exit(res["error"])
        H.log(f"prepared in {res['info']['seconds']:.1f}s")
    info = H.worker({"kind": "info", "path": src})
    if "error" in info:
        sys.exit(info["error"])
    src_info = info["info"]
    H.log(f"input {src}: {src_info['bytes'] / 1e6:.1f} MB, {src_info['rows']} rows, "
          f"{src_info['row_groups']} row groups of {src_info['row_group_rows']} rows, "
          f"{len(src_info['columns'])} columns, created_by {src_info['created_by']!r}")
    args.probe_file = os.path.join(root, "probe_32MiB.csv")
    if not os.path.exists(args.probe_file):
        with open(csv, "rb") as f, open(args.probe_file, "wb") as g:
            g.write(f.read(32 << 20))
    subprocess.run(["cat", src], stdout=subprocess.DEVNULL)  # warm the page cache

    results = {}
    for n in threads:
        pin = ",".join(str(c) for c in H.cpus[:n]) if not args.no_pin else "none"
        H.log(f"== {n} thread(s), pinned to cpu {pin}")
        if "read" in ops:
            results[f"read_t{n}"] = H.group(f"read t{n}", [
                ("pyarrow", lambda rep, n=n: H.worker(
                    {"kind": "pyarrow_read", "path": src}, threads=n)),
                ("lake", lambda rep, n=n: H.lake(
                    ["read", src, "--threads", str(n), "--reps", "1"], n)),
            ])
        if "write" in ops:
            pa_out = os.path.join(work, f"pyarrow_t{n}.parquet")
            lake_out = os.path.join(work, f"lake_t{n}.parquet")
            results[f"write_t{n}"] = H.group(f"write t{n}", [
                ("pyarrow", lambda rep, n=n, o=pa_out: H.worker(
                    {"kind": "pyarrow_write", "path": src, "out": o}, threads=n)),
                ("lake", lambda rep, n=n, o=lake_out: H.lake(
                    ["write", src, o, "--threads", str(n), "--reps", "1",
                     "--level", str(ZSTD_LEVEL)], n)),
            ])
            H.log(f"checking {lake_out} with pyarrow")
            chk = H.worker({"kind": "check", "ref": src, "path": lake_out}) \
                if os.path.exists(lake_out) else {"check": "no output", "info": {}}
            results[f"write_t{n}"]["check"] = chk
            pa_info = H.worker({"kind": "info", "path": pa_out}) if os.path.exists(pa_out) else {}
            results[f"write_t{n}"]["pyarrow_output"] = pa_info.get("info")
            H.log(f"check: {chk.get('check', chk.get('error'))}")

    # ------------------------------------------------------------- report
    rows = []
    failed = []
    for n in threads:
        g = results.get(f"read_t{n}")
        if g:
            pa_ = g["runs"]["pyarrow"]
            lk = g["runs"]["lake"]
            errs = [r["error"] for r in pa_ + lk if "error" in r]
            bad_rows = [r for r in pa_ + lk if "error" not in r and r.get("rows") != src_info["rows"]]
            check = "ok" if not errs and not bad_rows else (
                "ERROR " + errs[0][:120] if errs else f"MISMATCH rows {bad_rows[0].get('rows')}")
            if check != "ok":
                failed.append(f"read t{n}")
            rows.append(table_row("read (in-process)", n, pa_, "seconds", lk, "seconds",
                                  "cpu_seconds", "cpu_seconds", check))
            rows.append(table_row("read (lake whole process)", n, pa_, "seconds", lk, "process_seconds",
                                  "cpu_seconds", "process_cpu_seconds", check))
        g = results.get(f"write_t{n}")
        if g:
            pa_ = g["runs"]["pyarrow"]
            lk = g["runs"]["lake"]
            errs = [r["error"] for r in pa_ + lk if "error" in r]
            chk = g["check"]
            check = chk.get("check") or chk.get("error", "ERROR")
            if errs:
                check = "ERROR " + errs[0][:120]
            if check != "ok":
                failed.append(f"write t{n}")
            lake_bytes = (chk.get("info") or {}).get("bytes")
            pa_bytes = (g.get("pyarrow_output") or {}).get("bytes")
            size = (f" (lake {lake_bytes / 1e6:.1f} MB, pyarrow {pa_bytes / 1e6:.1f} MB)"
                    if lake_bytes and pa_bytes else "")
            rows.append(table_row("write zstd-3 (in-process)", n, pa_, "seconds", lk, "seconds",
                                  "cpu_seconds", "cpu_seconds", check + size))
            rows.append(table_row("read+write (lake whole process; pyarrow in-process)", n,
                                  pa_, "read_plus_write_seconds", lk, "process_seconds",
                                  None, "process_cpu_seconds", check))

    table = markdown(rows)
    out = args.json or os.path.join(
        bench_home(), "results", f"parquet_bench_{time.strftime('%Y%m%d_%H%M%S')}.json")
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    import pyarrow as pa
    meta = {"input": src, "input_info": src_info, "threads": threads, "reps": args.reps,
            "pinned": not args.no_pin, "zstd_level": ZSTD_LEVEL, "lake_bench": args.lake_bench,
            "pyarrow": pa.__version__, "cpus": os.cpu_count(), "host": platform.node(),
            "started": datetime.datetime.fromtimestamp(H.t_start).isoformat(),
            "wall_s": time.time() - H.t_start, "argv": sys.argv}
    with open(out, "w") as f:
        json.dump({"meta": meta, "table": rows, "results": results}, f, indent=1, default=str)
    print()
    print(f"input: {os.path.basename(src)}: {src_info['rows']} rows, {src_info['row_groups']} row groups, "
          f"{src_info['bytes'] / 1e6:.1f} MB, {len(src_info['columns'])} columns; pyarrow {pa.__version__}; "
          f"reps {args.reps} (median shown); ratio < 1 means lake is faster")
    for n in threads:
        for key in (f"read_t{n}", f"write_t{n}"):
            if key in results and results[key]["probe_zstd3_MBps"]:
                print(f"probe {key}: zstd -3 MB/s per core {results[key]['probe_zstd3_MBps']}")
    print()
    print(table)
    print(f"\nresults: {out}  (total {meta['wall_s']:.0f}s)")
    if failed:
        print(f"{len(failed)} cell(s) failed their check: {', '.join(failed)}")
        sys.exit(1)


if __name__ == "__main__":
    main()

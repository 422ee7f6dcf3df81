#!/usr/bin/env python3
"""Check the SQL test files in Fixtures/sql/*.test against DuckDB.

Usage:
  verify_duckdb.py [--write] [-v] [FILE.test ...]

Without FILE arguments every Fixtures/sql/*.test is checked (including the
core_*.test files). Each Fixtures/sql/data/<name>.parquet is exposed as a
view <name>; `__DATA__` in SQL is replaced by the absolute data directory;
the session runs with SET TimeZone='UTC' and the division-by-zero settings in
SETTINGS below.

--write   regenerate the type letters and expected rows of every `query`
          record from DuckDB (rowsort results are written sorted). Statement
          records are left as they are. Eyeball the diff afterwards!
-v        print DuckDB's error text for `statement error` records.
--shuffle SEED  load every table with its rows in a seeded random order; a
          result that changes is one that depends on input order (a nosort
          query without a total ORDER BY, a window over ties, ...).

Exit status 1 on any mismatch (or unparsable record), 0 otherwise.
See Fixtures/sql/README.md for the file format and rendering rules.
"""
import argparse
import datetime as dt
import decimal
import glob
import math
import os
import re
import sys

import duckdb

try:
    import numpy as np
except ImportError:  # float32 rendering falls back to repr of the double
    np = None

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SQL_DIR = os.path.join(ROOT, "Fixtures", "sql")
DATA_DIR = os.path.join(SQL_DIR, "data")

INT_TYPES = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT",
             "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT"}
FLOAT_TYPES = {"FLOAT", "DOUBLE"}


# ---------------------------------------------------------------- parsing

class Record:
    def __init__(self, kind, header, start_line):
        self.kind = kind            # 'query' | 'statement' | 'other'
        self.header = header        # the header line
        self.start = start_line     # 1-based line number of the header
        self.sql = []               # SQL lines
        self.expected = []          # expected rows (query only)
        self.has_sep = False
        self.types = ""
        self.sort = ""
        self.error = None           # substring for statement error; None for ok
        self.expect_error = False
        self.skip = False           # skipif duckdb / onlyif <other engine>


def parse(path):
    """Returns a list of chunks: either str (a line kept verbatim) or Record."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().replace("\r\n", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    chunks = []
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        if line.strip() == "" or line.lstrip().startswith("#"):
            chunks.append(line)
            i += 1
            continue
        # sqllogictest conditions directly above a record: skipif <engine> / onlyif <engine>
        conditions = []
        while line.split() and line.split()[0] in ("skipif", "onlyif") and i + 1 < n \
                and lines[i + 1].strip() != "":
            conditions.append(line)
            chunks.append(line)
            i += 1
            line = lines[i]
        words = line.split()
        rec = None
        if words[0] == "query":
            rec = Record("query", line, i + 1)
            rec.types = words[1] if len(words) > 1 else ""
            rec.sort = words[2] if len(words) > 2 else "nosort"
        elif words[0] == "statement":
            rec = Record("statement", line, i + 1)
            if len(words) > 1 and words[1] == "error":
                rec.expect_error = True
                rec.error = line.split("error", 1)[1].strip()
            elif len(words) > 1 and words[1] == "ok":
                pass
            else:
                rec.kind = "other"
        else:
            rec = Record("other", line, i + 1)
        rec.skip = any((c.split() + [""])[1].lower() == "duckdb" if c.split()[0] == "skipif"
                       else (c.split() + [""])[1].lower() != "duckdb" for c in conditions)
        i += 1
        # body: until a blank line
        in_result = False
        while i < n and lines[i].strip() != "":
            l = lines[i]
            if not in_result and l.lstrip().startswith("#"):
                i += 1  # comment inside SQL: dropped from SQL, kept in file
                rec.sql.append(None if rec.kind != "other" else l)
                continue
            if rec.kind == "query" and not in_result and l.strip() == "----":
                in_result = True
                rec.has_sep = True
            elif in_result:
                rec.expected.append(l)
            else:
                rec.sql.append(l)
            i += 1
        chunks.append(rec)
    return chunks


def sql_text(rec):
    return "\n".join(l for l in rec.sql if l is not None).replace("__DATA__", DATA_DIR)


# -------------------------------------------------------------- rendering

def type_letter(tname):
    base = tname.split("(")[0].strip()
    if base in INT_TYPES:
        return "I"
    if base in FLOAT_TYPES:
        return "R"
    return "T"


def render_float(v, tname):
    if v is None:
        return "NULL"
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    if tname == "FLOAT" and np is not None:
        return str(np.float32(v))
    return repr(float(v))


def render_ts(v):
    if v.tzinfo is not None:
        v = v.astimezone(dt.timezone.utc).replace(tzinfo=None)
    s = v.strftime("%Y-%m-%d %H:%M:%S")
    if v.year < 1000:
        s = "%04d" % v.year + s[s.index("-"):]
    if v.microsecond:
        s += ("." + "%06d" % v.microsecond).rstrip("0")
    return s


class Unrenderable(Exception):
    pass


def render(v, tname):
    if v is None:
        return "NULL"
    base = tname.split("(")[0].strip()
    if isinstance(v, bool):
        return "true" if v else "false"
    if base in FLOAT_TYPES:
        return render_float(v, base)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, decimal.Decimal):
        m = re.match(r"DECIMAL\((\d+),\s*(\d+)\)", tname)
        scale = int(m.group(2)) if m else -v.as_tuple().exponent
        with decimal.localcontext() as ctx:
            ctx.prec = 100
            q = v.quantize(decimal.Decimal(1).scaleb(-scale))
        return format(q, "f")
    if isinstance(v, dt.datetime):
        return render_ts(v)
    if isinstance(v, dt.date):
        return "%04d-%02d-%02d" % (v.year, v.month, v.day)
    if isinstance(v, dt.time):
        s = v.strftime("%H:%M:%S")
        if v.microsecond:
            s += ("." + "%06d" % v.microsecond).rstrip("0")
        return s
    if isinstance(v, str):
        if v == "":
            return "(empty)"
        return v.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
    raise Unrenderable("cannot render %s value %r (avoid this type in tests)" % (tname, v))


# ------------------------------------------------------------- comparison

def parse_float(s):
    return {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}.get(s, None) \
        if s in ("NaN", "Infinity", "-Infinity") else float(s)


def values_equal(letter, exp, got):
    if exp == got:
        return True
    if letter != "R" or exp == "NULL" or got == "NULL":
        return False
    try:
        a, b = parse_float(exp), parse_float(got)
    except ValueError:
        return False
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    if a == b:
        return True
    return abs(a - b) <= 1e-9 * max(abs(a), abs(b))


def rows_equal(types, expected, got):
    if len(expected) != len(got):
        return False
    for e, g in zip(expected, got):
        ev, gv = e.split("\t"), g.split("\t")
        if len(ev) != len(gv):
            return False
        for k, (x, y) in enumerate(zip(ev, gv)):
            letter = types[k] if k < len(types) else "T"
            if not values_equal(letter, x, y):
                return False
    return True


# ------------------------------------------------------------------- main

# Session settings that give the semantics lake follows (see README):
# TimeZone UTC; x/0 and x%0 are NULL (DuckDB >= 1.5/2.0 defaults to IEEE inf/NaN
# for DOUBLE division and to an error for integer % and //, older DuckDB to NULL).
SETTINGS = ["SET TimeZone='UTC'",
            "SET ieee_floating_point_ops=false",
            "SET error_on_division_by_zero=false"]


def apply_settings(con):
    for s in SETTINGS:
        try:
            con.execute(s)
        except duckdb.Error:
            if "TimeZone" in s:
                raise  # the others do not exist in older DuckDB, whose default is NULL anyway


def connect(shuffle=None):
    con = duckdb.connect()
    apply_settings(con)
    for p in sorted(glob.glob(os.path.join(DATA_DIR, "*.parquet"))):
        name = os.path.splitext(os.path.basename(p))[0]
        path = p.replace("'", "''")
        if shuffle is None:
            con.execute("CREATE VIEW \"%s\" AS SELECT * FROM read_parquet('%s')" % (name, path))
        else:
            # same rows in another order: exposes results that depend on input order
            con.execute("CREATE TABLE \"%s\" AS SELECT * EXCLUDE (file_row_number) FROM "
                        "read_parquet('%s', file_row_number=true) ORDER BY hash(file_row_number + %d)"
                        % (name, path, shuffle))
    return con


def run_query(con, sql):
    cur = con
    cur.execute(sql)
    desc = cur.description or []
    tnames = [str(d[1]) for d in desc]
    rows = cur.fetchall()
    rendered = ["\t".join(render(v, t) for v, t in zip(r, tnames)) for r in rows]
    return "".join(type_letter(t) for t in tnames), tnames, rendered


def check_file(con, path, write, verbose):
    rel = os.path.relpath(path, ROOT)
    chunks = parse(path)
    failures = 0
    cases = 0
    out = []
    for ch in chunks:
        if isinstance(ch, str):
            out.append(ch)
            continue
        rec = ch
        where = "%s:%d" % (rel, rec.start)
        if rec.kind == "other" or rec.skip:
            if rec.kind == "other":
                print("%s: note: skipping unknown record %r" % (where, rec.header))
            out.append(rec.header)
            out.extend(l for l in rec.sql if l is not None)
            if rec.kind == "query" and rec.has_sep:
                out.append("----")
                out.extend(rec.expected)
            continue
        cases += 1
        sql = sql_text(rec)
        if rec.kind == "statement":
            if any(l is not None and l.strip() == "----" for l in rec.sql):
                failures += 1
                print("%s: FAIL: a statement record has no ---- / result block" % where)
            out.append(rec.header)
            out.extend(l for l in rec.sql if l is not None)
            try:
                con.execute(sql).fetchall()
                err = None
            except duckdb.Error as e:
                err = str(e)
            if rec.expect_error and err is None:
                failures += 1
                print("%s: FAIL: expected an error (%s), DuckDB succeeded\n  %s" % (where, rec.error, sql))
            elif not rec.expect_error and err is not None:
                failures += 1
                print("%s: FAIL: expected success, DuckDB failed: %s\n  %s" % (where, err.splitlines()[0], sql))
            elif err is not None and verbose:
                hit = rec.error.lower() in err.lower()
                print("%s: error%s [%s] DuckDB: %s" % (where, "" if hit else " (substring differs)",
                                                     rec.error, err.splitlines()[0]))
            continue
        # query
        problems = []
        if not rec.has_sep:
            problems.append("missing ---- separator")
        if rec.sort not in ("rowsort", "nosort"):
            problems.append("sort mode must be rowsort or nosort, got %r" % rec.sort)
        try:
            letters, tnames, got = run_query(con, sql)
        except (duckdb.Error, Unrenderable) as e:
            failures += 1
            print("%s: FAIL: DuckDB error: %s\n  %s" % (where, str(e).splitlines()[0], sql))
            out.append(rec.header)
            out.extend(l for l in rec.sql if l is not None)
            out.append("----")
            out.extend(rec.expected)
            continue
        if rec.sort == "rowsort":
            got = sorted(got)
        elif len(got) > 1 and not re.search(r"order\s+by", sql, re.I):
            problems.append("nosort with several rows but no ORDER BY")
        if write:
            sort = rec.sort if rec.sort in ("rowsort", "nosort") else "rowsort"
            extra = rec.header.split()[3:]
            out.append(" ".join(["query", letters, sort] + extra))
            out.extend(l for l in rec.sql if l is not None)
            out.append("----")
            out.extend(got)
            for p in problems:
                if "separator" not in p:
                    print("%s: WARN: %s" % (where, p))
            continue
        out.append(rec.header)
        expected = sorted(rec.expected) if rec.sort == "rowsort" else rec.expected
        if rec.types != letters:
            problems.append("types %r but DuckDB gives %r (%s)" % (rec.types, letters, ", ".join(tnames)))
        if not rows_equal(letters, expected, got):
            problems.append("rows differ")
        if problems:
            failures += 1
            print("%s: FAIL: %s\n  SQL: %s" % (where, "; ".join(problems), sql.replace("\n", "\n       ")))
            if "rows differ" in problems:
                print("  expected:\n    " + "\n    ".join(expected or ["(no rows)"]))
                print("  DuckDB:\n    " + "\n    ".join(got or ["(no rows)"]))
    if write:
        text = "\n".join(out) + "\n"
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    return cases, failures


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*")
    ap.add_argument("--write", action="store_true")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--shuffle", type=int, metavar="SEED",
                    help="load the tables with their rows in a seeded random order (checks that "
                         "expected results do not depend on input order); not with --write")
    args = ap.parse_args()
    files = args.files or sorted(glob.glob(os.path.join(SQL_DIR, "*.test")))
    if args.write and args.shuffle is not None:
        ap.error("--shuffle and --write do not go together")
    con = connect(args.shuffle)
    total = fails = 0
    for f in files:
        c, k = check_file(con, os.path.abspath(f), args.write, args.verbose)
        print("%-40s %4d cases, %d failing" % (os.path.relpath(os.path.abspath(f), ROOT), c, k))
        total += c
        fails += k
    print("total: %d cases, %d failing (DuckDB %s)" % (total, fails, duckdb.__version__))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())

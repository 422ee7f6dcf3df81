#!/usr/bin/env python3
"""Text ingest interop: rows `lake ingest` reads from CSV and JSON lines read back identically.

Seeded rows (ids, Unicode strings with commas, quotes and line breaks, decimals, doubles, dates,
timestamps with zone offsets, booleans, nulls) are written as CSV (Python's csv module, CRLF, with
a gzip copy) and as JSON lines (json.dumps, with a nested object), ingested by `lake` into Delta
tables, and read back with deltalake (pyarrow) and DuckDB (read_parquet over the active files).
Every value must equal what Python wrote: decimals exactly, timestamps converted to UTC, nested
JSON kept as its text. Bad records (ragged, bad UTF-8, a type mismatch after the sample) are
checked against accepted + rejected = input, with --on-error quarantine writing the rejects table.

Run by Tools/test.sh with LAKE_BIN set; LAKE_TEXT_SEED=N replays a seed. Prints
"text_ingest: N passed, M failed" and exits non-zero on failure.
"""
import csv
import datetime
import decimal
import gzip
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

import deltalake
import duckdb

LAKE = os.environ.get("LAKE_BIN", "lake")
NAME = "text_ingest"
UTC = datetime.timezone.utc
passed = 0
failed = 0
WORDS = ["alpha", "βeta", "日本語", "e\u0301", "emoji 🎉", "comma, here", 'say "hi"', "line\nbreak",
         "crlf\r\nbreak", "  padded  ", "x" * 300, "NA"]


def check(name, condition, detail=""):
    global passed, failed
    if condition:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {name}: {detail}"[:3000], flush=True)
    return condition


def lake(*args):
    result = subprocess.run([LAKE, "--threads", "2", *args], capture_output=True, text=True)
    return result.returncode, result.stdout, result.stderr


def ingest(table, inputs, *options):
    code, out, err = lake("ingest", table, *inputs, *options, "--format", "json")
    summary = json.loads(out.strip().splitlines()[-1]) if code == 0 else None
    return code, summary, err


def make_rows(rng, count):
    rows = []
    for index in range(count):
        maybe = lambda value: None if rng.random() < 0.1 else value  # noqa: E731
        offset = rng.choice([0, 60, -330, 120])
        local = datetime.datetime(2024, 1, 1) + datetime.timedelta(seconds=rng.randrange(0, 86400 * 400),
                                                                   microseconds=rng.randrange(0, 1_000_000))
        zone = datetime.timezone(datetime.timedelta(minutes=offset))
        rows.append({
            "id": index,
            "name": maybe(rng.choice(WORDS) + str(rng.randrange(100))),
            "price": maybe(decimal.Decimal(rng.randrange(-10**8, 10**8)) / 100),
            "score": maybe(rng.choice([0.1, 1e-5, 123456.789, -2.5e10, 3.0]) * rng.randrange(1, 1000)),
            "day": maybe(datetime.date(1970, 1, 1) + datetime.timedelta(days=rng.randrange(-5000, 30000))),
            "ts": maybe(local.replace(tzinfo=zone)),
            "flag": maybe(rng.random() < 0.5),
        })
    return rows


def text(value, kind):
    if value is None:
        return ""
    if kind == "price":
        return f"{value:.2f}"
    if kind == "score":
        return repr(value)
    if kind in ("day", "ts"):
        return value.isoformat()
    if kind == "flag":
        return "true" if value else "false"
    return str(value)


def expected(rows):
    out = []
    for row in rows:
        ts = row["ts"].astimezone(UTC) if row["ts"] is not None else None
        price = row["price"].quantize(decimal.Decimal("0.01")) if row["price"] is not None else None
        out.append((row["id"], row["name"], price, row["score"], row["day"], ts, row["flag"]))
    return sorted(out, key=lambda r: r[0])


def normalize(table_rows):
    out = []
    for row in table_rows:
        ts = row["ts"]
        if ts is not None and ts.tzinfo is None:
            ts = ts.replace(tzinfo=UTC)
        price = decimal.Decimal(row["price"]).quantize(decimal.Decimal("0.01")) if row["price"] is not None else None
        out.append((row["id"], row["name"], price, row["score"], row["day"], ts, row["flag"]))
    return sorted(out, key=lambda r: r[0])


def read_back(label, root, rows):
    table = deltalake.DeltaTable(root)
    actual = normalize(table.to_pyarrow_table().to_pylist())
    want = expected(rows)
    same = actual == want
    if not same:
        for a, b in zip(actual, want):
            if a != b:
                print("first difference:", a, b)
                break
    check(f"{label}: deltalake rows", same, f"{len(actual)} vs {len(want)}")
    files = table.file_uris()
    con = duckdb.connect()
    con.execute("SET TimeZone='UTC'")
    duck = con.sql(f"SELECT * FROM read_parquet({files!r})").to_arrow_table().to_pylist()
    check(f"{label}: duckdb rows", normalize(duck) == want)
    schema = {field.name: str(field.type) for field in table.schema().fields}
    return schema


def main():
    seed = int(os.environ.get("LAKE_TEXT_SEED", random.randrange(1 << 30)))
    print(f"{NAME}: seed {seed}", flush=True)
    rng = random.Random(seed)
    work = tempfile.mkdtemp(prefix="lake-text-ingest-")
    try:
        rows = make_rows(rng, 3000)
        columns = ["id", "name", "price", "score", "day", "ts", "flag"]
        csv_path = os.path.join(work, "rows.csv")
        with open(csv_path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow(columns)
            for row in rows:
                writer.writerow([text(row[c], c) for c in columns])
        with open(csv_path, "rb") as source, gzip.open(csv_path + ".gz", "wb") as target:
            shutil.copyfileobj(source, target)
        schema_option = ("--schema", "price decimal(18,2), score double, name string")
        code, summary, err = ingest(os.path.join(work, "csv"), [csv_path], *schema_option)
        if check("csv ingest", code == 0, err):
            check("csv counts", summary["rows"] == 3000 and summary["rows_rejected"] == 0, summary)
            types = read_back("csv", os.path.join(work, "csv"), rows)
            check("csv types", types.get("day") == 'PrimitiveType("date")' and types.get("ts") == 'PrimitiveType("timestamp")'
                  and types.get("flag") == 'PrimitiveType("boolean")', types)
        code, summary, err = ingest(os.path.join(work, "gz"), [csv_path + ".gz"], *schema_option)
        if check("gzip csv ingest", code == 0, err):
            read_back("gzip csv", os.path.join(work, "gz"), rows)

        jsonl_path = os.path.join(work, "rows.jsonl")
        with open(jsonl_path, "w", encoding="utf-8") as handle:
            for row in rows:
                record = {c: row[c] for c in columns if row[c] is not None or rng.random() < 0.5}
                for key in ("price",):
                    if record.get(key) is not None:
                        record[key] = float(f"{record[key]:.2f}") if rng.random() < 0.5 else f"{record[key]:.2f}"
                for key in ("day", "ts"):
                    if record.get(key) is not None:
                        record[key] = record[key].isoformat()
                handle.write(json.dumps(record, ensure_ascii=rng.random() < 0.5) + "\n")
        code, summary, err = ingest(os.path.join(work, "jsonl"), [jsonl_path],
                                    "--schema", "id int64, name string, price decimal(18,2), score double, day date, "
                                    "ts timestamp, flag boolean")
        if check("jsonl ingest", code == 0, err):
            read_back("jsonl", os.path.join(work, "jsonl"), rows)

        nested = os.path.join(work, "nested.jsonl")
        with open(nested, "w") as handle:
            handle.write('{"id": 1, "obj": {"a": [1, {"b": "c"}]}}\n{"id": 2, "obj": null}\n')
        code, summary, err = ingest(os.path.join(work, "nested"), [nested])
        if check("nested ingest", code == 0, err):
            values = deltalake.DeltaTable(os.path.join(work, "nested")).to_pyarrow_table().to_pylist()
            check("nested JSON text", sorted(values, key=lambda r: r["id"]) ==
                  [{"id": 1, "obj": '{"a": [1, {"b": "c"}]}'}, {"id": 2, "obj": None}], values)

        bad = os.path.join(work, "bad.csv")
        lines = ["id,v"] + [f"{i},{i}" for i in range(100)] + ["x,1", "1", "2,3,4"]
        with open(bad, "wb") as handle:
            handle.write(("\n".join(lines) + "\n").encode() + b"7,\xff\n")
        code, summary, err = ingest(os.path.join(work, "bad"), [bad], "--sample-rows", "50")
        check("bad input fails by default", code == 1 and not os.path.exists(os.path.join(work, "bad", "_delta_log")), err)
        code, summary, err = ingest(os.path.join(work, "bad"), [bad], "--on-error", "quarantine", "--schema", "v string",
                                    "--sample-rows", "50")
        if check("quarantine ingest", code == 0, err):
            check("accepted + rejected = input",
                  summary["rows"] + summary["rows_rejected"] == summary["input_records"] == 104
                  and summary["rows_rejected"] == 4, summary)
            rejects = deltalake.DeltaTable(os.path.join(work, "bad_rejects")).to_pyarrow_table().to_pylist()
            check("rejects table", sorted(r["line"] for r in rejects) == [102, 103, 104, 105], rejects)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{NAME}: {passed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

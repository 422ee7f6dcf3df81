#!/usr/bin/env python3
"""Other readers must read `lake generate` output exactly (SPEC.md §2.9).

Usage: generate_check.py DIR ROWS
DIR holds <dataset>.csv, <dataset>.jsonl and <dataset>.parquet for sensors, events and orders,
each ROWS rows of the same data. pyarrow reads the Parquet file; the CSV file (with the Parquet
schema as column types) and the JSON-lines file must then be equal to it, row for row. DuckDB must
read all three with its own type detection and find the same row count, and Python's csv and json
modules must parse every line strictly. Prints "N passed, M failed"; exits non-zero on failure.
"""
import csv
import json
import sys

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.json as pajson
import pyarrow.parquet as pq

directory, rows = sys.argv[1], int(sys.argv[2])
passed = 0
failed = 0


def check(name, condition, detail=""):
    global passed, failed
    if condition:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {name}: {detail}"[:2000], flush=True)


def first_difference(expected, actual):
    for name in expected.column_names:
        left, right = expected.column(name).to_pylist(), actual.column(name).to_pylist()
        for index, (a, b) in enumerate(zip(left, right)):
            if a != b:
                return f"column {name} row {index}: {a!r} != {b!r}"
    return "schemas or lengths differ"


for dataset in ["sensors", "events", "orders"]:
    base = f"{directory}/{dataset}"
    parquet = pq.read_table(base + ".parquet")
    check(f"{dataset}.parquet rows", parquet.num_rows == rows, parquet.num_rows)

    # CSV: typed by the Parquet schema; "" is an empty string, an empty field is null.
    options = pacsv.ConvertOptions(
        column_types=parquet.schema, strings_can_be_null=True, quoted_strings_can_be_null=False,
        null_values=[""])
    from_csv = pacsv.read_csv(base + ".csv", convert_options=options)
    from_csv = from_csv.cast(parquet.schema)
    check(f"{dataset}.csv equals parquet (pyarrow)", from_csv.equals(parquet),
          first_difference(parquet, from_csv) if from_csv.num_rows == parquet.num_rows else from_csv.num_rows)

    # JSON lines: strings, numbers (decimals read exactly) and nulls; dates and timestamps cast from text.
    text_schema = pa.schema([
        pa.field(f.name, pa.string() if pa.types.is_temporal(f.type) else f.type)
        for f in parquet.schema])
    from_json = pajson.read_json(base + ".jsonl", parse_options=pajson.ParseOptions(
        explicit_schema=text_schema, unexpected_field_behavior="error"))
    columns = []
    for field in parquet.schema:
        column = from_json.column(field.name)
        columns.append(column.cast(field.type))
    from_json = pa.table(columns, schema=parquet.schema)
    check(f"{dataset}.jsonl equals parquet (pyarrow)", from_json.equals(parquet),
          first_difference(parquet, from_json) if from_json.num_rows == parquet.num_rows else from_json.num_rows)

    # DuckDB, with its own sniffing and type detection.
    connection = duckdb.connect()
    for name, query in [
        ("csv", f"SELECT count(*) FROM read_csv('{base}.csv', header=true, strict_mode=true)"),
        ("jsonl", f"SELECT count(*) FROM read_json('{base}.jsonl', format='newline_delimited')"),
        ("parquet", f"SELECT count(*) FROM read_parquet('{base}.parquet')"),
    ]:
        try:
            count = connection.execute(query).fetchone()[0]
            check(f"{dataset}.{name} rows (duckdb)", count == rows, count)
        except Exception as error:  # noqa: BLE001 - report any reader failure as a test failure
            check(f"{dataset}.{name} read by duckdb", False, error)
    same = connection.execute(
        f"SELECT count(*) FROM (SELECT * FROM read_parquet('{base}.parquet') "
        f"EXCEPT ALL SELECT * FROM read_parquet('{base}.parquet'))").fetchone()[0]
    check(f"{dataset}.parquet self-consistent (duckdb)", same == 0, same)

    # Python's csv module in strict mode, and json.loads on every line.
    with open(base + ".csv", newline="") as handle:
        records = list(csv.reader(handle, strict=True))
    width = len(parquet.schema)
    check(f"{dataset}.csv strict parse", len(records) == rows + 1 and all(len(r) == width for r in records),
          f"{len(records)} records")
    with open(base + ".jsonl") as handle:
        objects = [json.loads(line) for line in handle]
    check(f"{dataset}.jsonl parse", len(objects) == rows and all(list(o) == parquet.column_names for o in objects),
          f"{len(objects)} objects")

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)

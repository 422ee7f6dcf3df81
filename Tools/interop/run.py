#!/usr/bin/env python3
"""Interop tests: other engines must read what lake writes exactly as they read the source.

For each source table (made here with pyarrow: every lake type, nested types, nulls, all-null
columns, NaN/-0/inf, Unicode, empty files, many row groups and pages), lake rewrites the file with
`lake cat SRC --format parquet --output OUT` under each codec and data-page version. Then
pyarrow, DuckDB and Polars read OUT and SRC and the results must be identical, pyarrow must see
column statistics, and `lake cat` must print the same rows for both files.

Run by Tools/test.sh with LAKE_BIN set; prints "N passed, M failed" and exits non-zero on failure.
"""
import datetime
import decimal
import json
import math
import os
import subprocess
import sys
import tempfile

import duckdb
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

LAKE = os.environ.get("LAKE_BIN", "lake")
passed = 0
failed = 0


def check(name, condition, detail=""):
    global passed, failed
    if condition:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {name}: {detail}"[:2000], flush=True)


def lake(*args):
    result = subprocess.run([LAKE, *args], capture_output=True, text=True)
    return result.returncode, result.stdout, result.stderr


def flat_table(rows, seed):
    import random

    rng = random.Random(seed)

    def maybe(value, p=0.1):
        return None if rng.random() < p else value

    floats = [0.0, -0.0, 1.5, -2.25, math.inf, -math.inf, math.nan, 1e300, 5e-324]
    words = ["", "alpha", "βeta", "gamma ray", "日本語", "comma,quote\"", "line\nbreak", "x" * 300]
    base = datetime.datetime(2024, 1, 5, 12, 30, tzinfo=datetime.timezone.utc)
    columns = {
        "id": pa.array(range(rows), pa.int64()),
        "i8": pa.array([maybe(rng.randint(-128, 127)) for _ in range(rows)], pa.int8()),
        "i16": pa.array([maybe(rng.randint(-32768, 32767)) for _ in range(rows)], pa.int16()),
        "i32": pa.array([maybe(rng.randint(-2**31, 2**31 - 1)) for _ in range(rows)], pa.int32()),
        "i64": pa.array([maybe(rng.choice([-2**63, 2**63 - 1, rng.randint(-10**12, 10**12)])) for _ in range(rows)], pa.int64()),
        "f32": pa.array([maybe(rng.choice(floats[:6] + [0.1, 3.5])) for _ in range(rows)], pa.float32()),
        "f64": pa.array([maybe(rng.choice(floats + [rng.random()])) for _ in range(rows)], pa.float64()),
        "flag": pa.array([maybe(rng.random() < 0.5) for _ in range(rows)], pa.bool_()),
        "s_low": pa.array([maybe(rng.choice(words)) for _ in range(rows)], pa.string()),
        "s_high": pa.array([maybe(f"user-{rng.randint(0, 10**9)}-{'y' * rng.randint(0, 20)}") for _ in range(rows)], pa.string()),
        "bin": pa.array([maybe(bytes(rng.randint(0, 255) for _ in range(rng.randint(0, 12)))) for _ in range(rows)], pa.binary()),
        "d": pa.array([maybe(datetime.date(1970, 1, 1) + datetime.timedelta(days=rng.randint(-100000, 100000))) for _ in range(rows)], pa.date32()),
        "ts": pa.array([maybe(base + datetime.timedelta(microseconds=rng.randint(-10**15, 10**15))) for _ in range(rows)], pa.timestamp("us", tz="UTC")),
        "ts_ntz": pa.array([maybe((base + datetime.timedelta(seconds=rng.randint(-10**9, 10**9))).replace(tzinfo=None)) for _ in range(rows)], pa.timestamp("us")),
        "t": pa.array([maybe(datetime.time(rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59), rng.randint(0, 999999))) for _ in range(rows)], pa.time64("us")),
        "dec9": pa.array([maybe(decimal.Decimal(rng.randint(-10**9 + 1, 10**9 - 1)).scaleb(-2)) for _ in range(rows)], pa.decimal128(9, 2)),
        "dec18": pa.array([maybe(decimal.Decimal(rng.randint(-10**18 + 1, 10**18 - 1)).scaleb(-4)) for _ in range(rows)], pa.decimal128(18, 4)),
        "dec38": pa.array([maybe(decimal.Decimal(rng.randint(-10**38 + 1, 10**38 - 1)).scaleb(-10)) for _ in range(rows)], pa.decimal128(38, 10)),
        "all_null": pa.array([None] * rows, pa.int32()),
        "required_s": pa.array([rng.choice(words) for _ in range(rows)], pa.string()),
    }
    fields = [pa.field(name, array.type, nullable=(name not in ("id", "required_s"))) for name, array in columns.items()]
    return pa.Table.from_arrays(list(columns.values()), schema=pa.schema(fields))


def nested_table(rows, seed):
    import random

    rng = random.Random(seed)

    def maybe(value, p=0.15):
        return None if rng.random() < p else value

    def int_list():
        return maybe([maybe(rng.randint(-5, 5), 0.1) for _ in range(rng.randint(0, 4))])

    columns = {
        "id": pa.array(range(rows), pa.int64()),
        "ints": pa.array([int_list() for _ in range(rows)], pa.list_(pa.int32())),
        "strings": pa.array([maybe([maybe(rng.choice(["a", "", "ünï", "long" * 10]), 0.1) for _ in range(rng.randint(0, 3))]) for _ in range(rows)], pa.list_(pa.string())),
        "nested": pa.array([maybe([int_list() for _ in range(rng.randint(0, 3))]) for _ in range(rows)], pa.list_(pa.list_(pa.int64()))),
        "point": pa.array([maybe({"x": maybe(rng.random()), "label": maybe(rng.choice(["p", "q"])), "tags": int_list()}) for _ in range(rows)],
                          pa.struct([("x", pa.float64()), ("label", pa.string()), ("tags", pa.list_(pa.int32()))])),
        "attrs": pa.array([maybe([(k, maybe(rng.randint(0, 100))) for k in rng.sample(["k1", "k2", "k3", "k4"], rng.randint(0, 3))]) for _ in range(rows)],
                          pa.map_(pa.string(), pa.int32())),
        "events": pa.array([maybe([maybe({"kind": rng.choice(["add", "remove"]), "size": maybe(rng.randint(0, 10**6))}) for _ in range(rng.randint(0, 3))]) for _ in range(rows)],
                           pa.list_(pa.struct([("kind", pa.string()), ("size", pa.int64())]))),
    }
    return pa.table(columns)


def normalize(value):
    """Makes rows comparable: NaN equal to NaN, -0.0 distinct from 0.0, maps order-free."""
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        return ("float", value, math.copysign(1, value))
    if isinstance(value, dict):
        return {k: normalize(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [normalize(v) for v in value]
    return value


def compare_engines(name, source, output):
    # pyarrow: values, and that statistics are present where they should be.
    expected = pq.read_table(source)
    actual = pq.read_table(output)
    check(f"{name} pyarrow rows", actual.num_rows == expected.num_rows, f"{actual.num_rows} != {expected.num_rows}")
    check(f"{name} pyarrow columns", actual.column_names == expected.column_names, f"{actual.column_names}")
    for column in expected.column_names:
        if column not in actual.column_names:
            continue
        left = normalize(expected.column(column).to_pylist())
        right = normalize(actual.column(column).to_pylist())
        check(f"{name} pyarrow {column}", left == right, first_difference(left, right))
        check(f"{name} pyarrow type {column}", same_type(expected.schema.field(column).type, actual.schema.field(column).type),
              f"{expected.schema.field(column).type} vs {actual.schema.field(column).type}")
    metadata = pq.ParquetFile(output).metadata
    if metadata.num_rows > 0:
        for index in range(metadata.num_columns):
            column = metadata.row_group(0).column(index)
            statistics = column.statistics
            check(f"{name} stats present {column.path_in_schema}", statistics is not None and statistics.has_null_count, "")
    # DuckDB and Polars: read both files the same way and compare.
    connection = duckdb.connect()
    left = connection.execute(f"SELECT * FROM read_parquet('{source}')").fetchall()
    right = connection.execute(f"SELECT * FROM read_parquet('{output}')").fetchall()
    check(f"{name} duckdb", normalize(left) == normalize(right), first_difference(normalize(left), normalize(right)))
    try:
        left_frame = pl.read_parquet(source)
        right_frame = pl.read_parquet(output)
        check(f"{name} polars", normalize(left_frame.rows()) == normalize(right_frame.rows()),
              first_difference(normalize(left_frame.rows()), normalize(right_frame.rows())))
    except Exception as error:  # noqa: BLE001 - any failure to read is a failed check
        check(f"{name} polars", False, repr(error))


def same_type(left, right):
    """Types equal up to list element names (pyarrow names them 'item' or 'element')."""
    if pa.types.is_list(left) and pa.types.is_list(right):
        return same_type(left.value_type, right.value_type)
    if pa.types.is_map(left) and pa.types.is_map(right):
        return same_type(left.key_type, right.key_type) and same_type(left.item_type, right.item_type)
    if pa.types.is_struct(left) and pa.types.is_struct(right):
        return [f.name for f in left] == [f.name for f in right] and all(
            same_type(a.type, b.type) for a, b in zip(left, right))
    return left == right


def first_difference(left, right):
    if len(left) != len(right):
        return f"lengths {len(left)} vs {len(right)}"
    for index, (a, b) in enumerate(zip(left, right)):
        if a != b:
            return f"row {index}: {a!r} vs {b!r}"
    return ""


def main():
    work = tempfile.mkdtemp(prefix="lake-interop-")
    sources = {
        "flat": flat_table(3000, 1),
        "nested": nested_table(2000, 2),
        "empty": flat_table(0, 3),
        "one_row": flat_table(1, 4),
    }
    for name, table in sources.items():
        pq.write_table(table, f"{work}/{name}.parquet", compression="none", use_dictionary=False)

    variants = [
        ("zstd", []), ("snappy", []), ("lz4", []), ("gzip", []), ("none", []),
        ("zstd", ["--data-page-version", "2"]),
        ("zstd", ["--row-group-rows", "700", "--page-rows", "128"]),
        ("snappy", ["--no-dictionary"]),
    ]
    for name in sources:
        source = f"{work}/{name}.parquet"
        code, source_rows, error = lake("cat", source, "--format", "jsonl")
        check(f"{name} lake reads pyarrow's file", code == 0, error)
        for codec, extra in variants:
            label = f"{name}/{codec}{''.join(extra)}"
            output = f"{work}/{name}-{codec}-{len(extra)}-{abs(hash(tuple(extra)))}.parquet"
            code, _, error = lake("cat", source, "--format", "parquet", "--output", output, "--compression", codec, *extra)
            check(f"{label} lake writes", code == 0, error)
            if code != 0:
                continue
            compare_engines(label, source, output)
            code, output_rows, error = lake("cat", output, "--format", "jsonl")
            check(f"{label} lake reads its own file", code == 0 and output_rows == source_rows,
                  error or first_difference(source_rows.splitlines(), output_rows.splitlines()))

    # Many row groups and pages from a larger table, read back by every engine.
    big = flat_table(60000, 5)
    pq.write_table(big, f"{work}/big.parquet", compression="none")
    code, _, error = lake("cat", f"{work}/big.parquet", "--format", "parquet", "--output", f"{work}/big-out.parquet",
                          "--row-group-rows", "16384")
    check("big lake writes", code == 0, error)
    if code == 0:
        metadata = pq.ParquetFile(f"{work}/big-out.parquet").metadata
        check("big has several row groups", metadata.num_row_groups == 4, str(metadata.num_row_groups))
        compare_engines("big", f"{work}/big.parquet", f"{work}/big-out.parquet")

    print(f"interop: {passed} passed, {failed} failed")
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Delta round trip: every table lake writes reads back identically in deltalake, DuckDB and pyarrow.

Seeded input Parquet files (pyarrow) cover every type lake writes, with nulls: boolean, int8/16/32/64,
float32/64 (NaN, -0.0, infinities), decimal(9,2)/(18,4)/(38,10), strings (Unicode, combining marks,
empty, long, null), binary, date32, timestamp[us, UTC], nested struct/list/map. `lake ingest` loads
them into (a) an unpartitioned table, (b) a table partitioned by a string column whose values need
escaping (`a/b`, `x=y`, `50%`, `with space`, Unicode, null, empty), (c) a table partitioned by an
int and a date column, with appends, a `--txn-app/--txn-version` replay, `--mode ignore|error`, an
overwrite, every codec and a small `--target-file-size`. timestamp without zone (timestamp_ntz)
gets its own table (d) so that a problem with it cannot hide the checks on the others.

For every table and every version the rows must be the expected multiset (an empty-string partition
value reads back as null: Delta's rule) in:
  * deltalake: DeltaTable(path) version, protocol, schema (names, types, nullability),
    to_pyarrow_table(), load_as_version(v), history(), transaction_version(), get_add_actions();
  * DuckDB: read_parquet over the active files (from the log, replayed here independently) plus
    the log's partition values; and hive_partitioning=true where the directory names allow;
  * pyarrow: pq.read_table of each active file plus the log's partition values.
The add actions' stats must match the files: numRecords = row count, nullCount = the nulls, min/max
bound every value. Partition directories must decode to the partition values and stay in the table.
Finally lake appends to tables deltalake wrote (partitioned, one with a checkpoint) and deltalake must
read the union.

Run by Tools/test.sh with LAKE_BIN set; LAKE_ROUNDTRIP_SEED=N replays a seed. Prints
"delta_roundtrip: N passed, M failed" and exits non-zero on failure.
"""
import collections
import datetime
import decimal
import json
import math
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import urllib.parse

import deltalake
import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

LAKE = os.environ.get("LAKE_BIN", "lake")
NAME = "delta_roundtrip"
passed = 0
failed = 0
UTC = datetime.timezone.utc
COMMIT_NAME = re.compile(r"^(\d{20})\.json$")


def check(name, condition, detail=""):
    global passed, failed
    if condition:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {name}: {detail}"[:3000], flush=True)
    return condition


def lake(*args, env=None):
    result = subprocess.run([LAKE, *args], capture_output=True, text=True, env=env)
    return result.returncode, result.stdout, result.stderr


def ingest(table, inputs, *options):
    """Runs `lake ingest … --format json`; returns (exit code, parsed summary or None, stderr)."""
    code, out, err = lake("--threads", "2", "ingest", table, *inputs, *options, "--format", "json")
    summary = None
    if code == 0:
        try:
            summary = json.loads(out.strip().splitlines()[-1])
        except (ValueError, IndexError):
            summary = None
    return code, summary, err


# ---------------------------------------------------------------------------------------------
# Input data

PART_STRINGS = ["a/b", "x=y", "50%", "with space", "日本語/ü", None, "", "plain", "a%2Fb", "q?#:*"]
PART_INTS = [-1, 0, 7, 123456, None]
PART_DATES = [datetime.date(2024, 2, 29), datetime.date(1999, 12, 31), datetime.date(1970, 1, 1), None]
WORDS = ["", "alpha", "βeta", "日本語", "e\u0301", "\u00e9", "f", "emoji 🎉", "x" * 40, "y" * 32 + "é tail",
         "z" * 33, "comma,\"q\"", "line\nbreak", "\x7f", "A", "~~~", "\u00ff" * 40]
FLOATS = [0.0, -0.0, 1.5, -2.25, math.inf, -math.inf, math.nan, 1e300, 5e-324, 0.1]


def base_columns(rng, rows, first_id, p_null=0.12):
    """Every type lake writes except timestamp_ntz (table d), nulls in every nullable column."""

    def maybe(make, p=p_null):
        return None if rng.random() < p else make()

    def int_list():
        return [None if rng.random() < 0.1 else rng.randint(-5, 5) for _ in range(rng.randint(0, 4))]

    start = datetime.datetime(2024, 1, 5, 12, 30, tzinfo=UTC)
    columns = [
        ("id", pa.array(range(first_id, first_id + rows), pa.int64()), False),
        ("flag", pa.array([maybe(lambda: rng.random() < 0.5) for _ in range(rows)], pa.bool_()), True),
        ("i8", pa.array([maybe(lambda: rng.randint(-128, 127)) for _ in range(rows)], pa.int8()), True),
        ("i16", pa.array([maybe(lambda: rng.randint(-32768, 32767)) for _ in range(rows)], pa.int16()), True),
        ("i32", pa.array([maybe(lambda: rng.randint(-2**31, 2**31 - 1)) for _ in range(rows)], pa.int32()), True),
        ("i64", pa.array([maybe(lambda: rng.choice([-2**63, 2**63 - 1, rng.randint(-10**12, 10**12)])) for _ in range(rows)],
                         pa.int64()), True),
        ("f32", pa.array([maybe(lambda: rng.choice(FLOATS[:8] + [0.1, 3.5, rng.random()])) for _ in range(rows)], pa.float32()),
         True),
        ("f64", pa.array([maybe(lambda: rng.choice(FLOATS + [rng.random() * 1e6])) for _ in range(rows)], pa.float64()), True),
        ("dec9", pa.array([maybe(lambda: decimal.Decimal(rng.randint(-10**9 + 1, 10**9 - 1)).scaleb(-2)) for _ in range(rows)],
                          pa.decimal128(9, 2)), True),
        ("dec18", pa.array([maybe(lambda: decimal.Decimal(rng.randint(-10**18 + 1, 10**18 - 1)).scaleb(-4)) for _ in range(rows)],
                           pa.decimal128(18, 4)), True),
        ("dec38", pa.array([maybe(lambda: decimal.Decimal(rng.randint(-10**38 + 1, 10**38 - 1)).scaleb(-10)) for _ in range(rows)],
                           pa.decimal128(38, 10)), True),
        ("s", pa.array([maybe(lambda: rng.choice(WORDS)) for _ in range(rows)], pa.string()), True),
        ("bin", pa.array([maybe(lambda: bytes(rng.randint(0, 255) for _ in range(rng.randint(0, 12)))) for _ in range(rows)],
                         pa.binary()), True),
        ("d", pa.array([maybe(lambda: datetime.date(1970, 1, 1) + datetime.timedelta(days=rng.randint(-25000, 60000)))
                        for _ in range(rows)], pa.date32()), True),
        # Inside the nanosecond range: deltalake's pyarrow path cannot read beyond it (delta.md §12).
        ("ts", pa.array([maybe(lambda: start + datetime.timedelta(microseconds=rng.randint(-2 * 10**15, 2 * 10**15)))
                         for _ in range(rows)], pa.timestamp("us", tz="UTC")), True),
        ("point", pa.array([maybe(lambda: {"x": maybe(lambda: rng.choice([rng.random(), -0.0, 2.5])),
                                           "label": maybe(lambda: rng.choice(WORDS)),
                                           "tags": maybe(int_list)}) for _ in range(rows)],
                           pa.struct([("x", pa.float64()), ("label", pa.string()), ("tags", pa.list_(pa.int32()))])), True),
        ("ints", pa.array([maybe(int_list) for _ in range(rows)], pa.list_(pa.int32())), True),
        ("attrs", pa.array([maybe(lambda: [(k, None if rng.random() < 0.2 else rng.randint(0, 100))
                                           for k in rng.sample(["k1", "k2", "k3", "ü4"], rng.randint(0, 3))])
                            for _ in range(rows)], pa.map_(pa.string(), pa.int32())), True),
    ]
    return columns


def make_table(kind, rng, rows, first_id):
    columns = base_columns(rng, rows, first_id)
    if kind == "b":
        # The partition column sits in the middle of the schema.
        part = pa.array([rng.choice(PART_STRINGS) for _ in range(rows)], pa.string())
        columns.insert(12, ("part", part, True))
    elif kind == "c":
        columns.append(("pi", pa.array([rng.choice(PART_INTS) for _ in range(rows)], pa.int32()), True))
        columns.append(("pd", pa.array([rng.choice(PART_DATES) for _ in range(rows)], pa.date32()), True))
    elif kind == "d":
        columns = columns[:2] + [columns[14]]
        base = datetime.datetime(2024, 1, 5, 12, 30)
        columns.append(("ts_ntz", pa.array([None if rng.random() < 0.1 else base + datetime.timedelta(microseconds=rng.randint(-10**15, 10**15))
                                            for _ in range(rows)], pa.timestamp("us")), True))
    schema = pa.schema([pa.field(name, array.type, nullable=nullable) for name, array, nullable in columns])
    return pa.Table.from_arrays([array for _, array, _ in columns], schema=schema)


PARTITIONS = {"a": [], "b": ["part"], "c": ["pi", "pd"], "d": []}


# ---------------------------------------------------------------------------------------------
# Comparing values

def normalize(value):
    """A hashable form: NaN equal to NaN, -0.0 distinct from 0.0, instants in UTC."""
    if isinstance(value, float):
        if math.isnan(value):
            return ("NaN",)
        return ("float", value, math.copysign(1, value))
    if isinstance(value, datetime.datetime):
        return value.astimezone(UTC) if value.tzinfo else value
    if isinstance(value, dict):
        return tuple((k, normalize(v)) for k, v in sorted(value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(normalize(v) for v in value)
    return value


def expected_rows(table, partition_columns):
    """The rows as readers must return them: an empty-string partition value is null."""
    rows = table.to_pylist()
    for row in rows:
        for column in partition_columns:
            if row[column] == "":
                row[column] = None
    return rows


def row_multiset(rows, columns):
    return collections.Counter(tuple(normalize(row.get(c)) for c in columns) for row in rows)


def compare_rows(name, expected, actual, columns):
    want = row_multiset(expected, columns)
    got = row_multiset(actual, columns)
    if want == got:
        return check(name, True)
    missing = list((want - got).elements())[:2]
    extra = list((got - want).elements())[:2]
    return check(name, False, f"{sum(want.values())} rows expected, {sum(got.values())} read; "
                 f"missing e.g. {missing!r}; unexpected e.g. {extra!r}")


def delta_type(arrow_type):
    """The Delta schema type (as JSON) of an Arrow type."""
    t = arrow_type
    simple = [(pa.types.is_boolean, "boolean"), (pa.types.is_int8, "byte"), (pa.types.is_int16, "short"),
              (pa.types.is_int32, "integer"), (pa.types.is_int64, "long"), (pa.types.is_float32, "float"),
              (pa.types.is_float64, "double"), (pa.types.is_string, "string"), (pa.types.is_binary, "binary"),
              (pa.types.is_date32, "date")]
    for predicate, name in simple:
        if predicate(t):
            return name
    if pa.types.is_decimal(t):
        return f"decimal({t.precision},{t.scale})"
    if pa.types.is_timestamp(t):
        return "timestamp" if t.tz else "timestamp_ntz"
    if pa.types.is_struct(t):
        return {"type": "struct", "fields": [delta_field(f) for f in t]}
    if pa.types.is_map(t):
        return {"type": "map", "keyType": delta_type(t.key_type), "valueType": delta_type(t.item_type),
                "valueContainsNull": t.item_field.nullable}
    if pa.types.is_list(t):
        return {"type": "array", "elementType": delta_type(t.value_type), "containsNull": t.value_field.nullable}
    raise ValueError(f"no Delta type for {t}")


def delta_field(field):
    return {"name": field.name, "type": delta_type(field.type), "nullable": field.nullable}


def strip_metadata(node):
    if isinstance(node, dict):
        return {k: strip_metadata(v) for k, v in node.items() if k != "metadata"}
    if isinstance(node, list):
        return [strip_metadata(v) for v in node]
    return node


# ---------------------------------------------------------------------------------------------
# The log, replayed here (independently of lake and deltalake)

def log_versions(root):
    names = os.listdir(os.path.join(root, "_delta_log"))
    return sorted(int(m.group(1)) for m in map(COMMIT_NAME.match, names) if m)


def read_commit(root, version):
    with open(os.path.join(root, "_delta_log", f"{version:020d}.json"), encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def replay(root, version):
    """{decoded path: add action} live at `version`, plus the last metaData and protocol."""
    files, metadata, protocol = {}, None, None
    for v in range(version + 1):
        for action in read_commit(root, v):
            if "add" in action:
                files[urllib.parse.unquote(action["add"]["path"])] = action["add"]
            elif "remove" in action:
                files.pop(urllib.parse.unquote(action["remove"]["path"]), None)
            elif "metaData" in action:
                metadata = action["metaData"]
            elif "protocol" in action:
                protocol = action["protocol"]
    return files, metadata, protocol


def typed_partition_value(text, arrow_type):
    """A partition value from the log, typed as Delta reads it (missing, null and "" are null)."""
    if text is None or text == "":
        return None
    if pa.types.is_integer(arrow_type):
        return int(text)
    if pa.types.is_date32(arrow_type):
        return datetime.date.fromisoformat(text)
    return text


# ---------------------------------------------------------------------------------------------
# Checks on one table

def check_table(label, root, schema, partition_columns, versions, history, app=None, app_version=None, duckdb_hive=False):
    """`versions[v]` is the expected row list of version v; `history[v]` (operation, mode)."""
    columns = schema.names
    data_columns = [c for c in columns if c not in partition_columns]
    latest = len(versions) - 1
    listed = log_versions(root)
    check(f"{label} log versions 0..{latest}", listed == list(range(latest + 1)), f"{listed}")
    has_ntz = any(pa.types.is_timestamp(f.type) and f.type.tz is None for f in schema)

    # The log itself: protocol, schema string, partition columns.
    _, metadata, protocol = replay(root, latest)
    if has_ntz:
        ok = (protocol or {}).get("minReaderVersion", 0) >= 3 and (protocol or {}).get("minWriterVersion", 0) >= 7 \
            and "timestampNtz" in (protocol.get("readerFeatures") or []) and "timestampNtz" in (protocol.get("writerFeatures") or [])
        check(f"{label} protocol declares timestampNtz for a timestamp_ntz column", ok, f"{protocol}")
    check(f"{label} metaData partitionColumns", metadata and metadata.get("partitionColumns") == partition_columns,
          f"{metadata and metadata.get('partitionColumns')}")
    expected_schema = [delta_field(f) for f in schema]
    if metadata:
        logged = strip_metadata(json.loads(metadata["schemaString"]))
        check(f"{label} log schemaString", logged == {"type": "struct", "fields": expected_schema},
              f"{json.dumps(logged)[:1500]}")

    # deltalake
    try:
        table = deltalake.DeltaTable(root)
    except Exception as error:  # noqa: BLE001 - failing to open is a failed check
        check(f"{label} deltalake opens the table", False, repr(error))
        table = None
    if table is not None:
        check(f"{label} deltalake version", table.version() == latest, f"{table.version()} != {latest}")
        read_schema = strip_metadata(json.loads(table.schema().to_json()))
        check(f"{label} deltalake schema", read_schema == {"type": "struct", "fields": expected_schema},
              f"{json.dumps(read_schema)[:1500]}")
        check(f"{label} deltalake metadata partition columns", list(table.metadata().partition_columns) == partition_columns,
              f"{table.metadata().partition_columns}")
        try:
            arrow = table.to_pyarrow_table()
            check(f"{label} deltalake column order", arrow.column_names == columns, f"{arrow.column_names}")
            compare_rows(f"{label} deltalake rows (latest)", versions[latest], arrow.to_pylist(), columns)
        except Exception as error:  # noqa: BLE001
            check(f"{label} deltalake reads rows", False, repr(error))
        for version in range(latest + 1):
            try:
                old = deltalake.DeltaTable(root)
                old.load_as_version(version)
                compare_rows(f"{label} deltalake rows at version {version}", versions[version],
                             old.to_pyarrow_table().to_pylist(), columns)
            except Exception as error:  # noqa: BLE001
                check(f"{label} deltalake load_as_version({version})", False, repr(error))
        try:
            entries = table.history()
            got = [(e.get("version"), e.get("operation"), (e.get("operationParameters") or {}).get("mode")) for e in entries]
            want = [(v, op, mode) for v, (op, mode) in reversed(list(enumerate(history)))]
            check(f"{label} deltalake history", got == want, f"{got} != {want}")
            for entry in entries:
                expected = json.dumps(partition_columns, separators=(",", ":"))
                given = (entry.get("operationParameters") or {}).get("partitionBy", "")
                check(f"{label} history partitionBy v{entry.get('version')}", given.replace(" ", "") == expected, given)
        except Exception as error:  # noqa: BLE001
            check(f"{label} deltalake history", False, repr(error))
        if app is not None:
            check(f"{label} deltalake transaction_version", table.transaction_version(app) == app_version,
                  f"{table.transaction_version(app)} != {app_version}")
        try:
            actions = pa.table(table.get_add_actions(flatten=False)).to_pylist()
            files, _, _ = replay(root, latest)
            by_path = {urllib.parse.unquote(a["path"]): a for a in actions}
            check(f"{label} get_add_actions = live files of the log", sorted(by_path) == sorted(files),
                  f"{sorted(by_path)[:3]} vs {sorted(files)[:3]}")
            uris = sorted(u.removeprefix("file://") for u in table.file_uris())  # file system paths
            check(f"{label} file_uris = live files of the log", uris == sorted(os.path.join(root, p) for p in files),
                  f"{uris[:2]}")
            for path, action in by_path.items():
                if path not in files:
                    continue
                want = {c: typed_partition_value(files[path].get("partitionValues", {}).get(c), schema.field(c).type)
                        for c in partition_columns}
                got = dict(action.get("partition") or {}) if partition_columns else {}
                check(f"{label} get_add_actions partition values {path}", got == want, f"{got} != {want}")
                check(f"{label} get_add_actions num_records {path}",
                      action.get("num_records") == json.loads(files[path]["stats"])["numRecords"], str(action.get("num_records")))
        except Exception as error:  # noqa: BLE001
            check(f"{label} deltalake get_add_actions", False, repr(error))

    # DuckDB and pyarrow over the active files of every version, from the replayed log.
    connection = duckdb.connect()
    for version in range(latest + 1):
        files, _, _ = replay(root, version)
        paths = {os.path.join(root, p): add for p, add in files.items()}
        check_paths(f"{label} v{version}", root, files, partition_columns)
        rows_pyarrow = []
        for path, add in paths.items():
            data = pq.read_table(path, partitioning=None)
            check(f"{label} v{version} file holds no partition columns {os.path.basename(path)}",
                  all(c not in data.column_names for c in partition_columns), f"{data.column_names}")
            values = {c: typed_partition_value(add.get("partitionValues", {}).get(c), schema.field(c).type)
                      for c in partition_columns}
            for row in data.to_pylist():
                row.update(values)
                rows_pyarrow.append(row)
        compare_rows(f"{label} pyarrow rows at version {version}", versions[version], rows_pyarrow, columns)
        try:
            result = connection.sql("SELECT * FROM read_parquet(?, hive_partitioning=false, filename=true)",
                                    params=[sorted(paths)]).to_arrow_table()
            rows_duckdb = []
            for row in result.to_pylist():
                add = paths[row.pop("filename")]
                row.update({c: typed_partition_value(add.get("partitionValues", {}).get(c), schema.field(c).type)
                            for c in partition_columns})
                rows_duckdb.append(row)
            compare_rows(f"{label} duckdb rows at version {version}", versions[version], rows_duckdb, columns)
        except Exception as error:  # noqa: BLE001
            check(f"{label} duckdb reads version {version}", False, repr(error))
    if duckdb_hive:
        # Plain Hive directories (ints, dates, __HIVE_DEFAULT_PARTITION__): DuckDB parses them itself.
        files, _, _ = replay(root, latest)
        try:
            result = connection.sql(
                "SELECT * FROM read_parquet(?, hive_partitioning=true, hive_types={'pi': 'INTEGER', 'pd': 'DATE'})",
                params=[sorted(os.path.join(root, p) for p in files)]).to_arrow_table()
            compare_rows(f"{label} duckdb hive_partitioning rows", versions[latest], result.to_pylist(), columns)
        except Exception as error:  # noqa: BLE001
            check(f"{label} duckdb hive_partitioning", False, repr(error))
    connection.close()

    # Statistics of every add action ever committed, against its file.
    for version in range(latest + 1):
        for action in read_commit(root, version):
            if "add" in action:
                check_stats(f"{label} v{version}", root, action["add"], schema, data_columns)


def check_paths(label, root, files, partition_columns):
    real_root = os.path.realpath(root)
    for path, add in files.items():
        full = os.path.realpath(os.path.join(root, path))
        check(f"{label} data file inside the table {path}", full.startswith(real_root + os.sep) and os.path.isfile(full), full)
        if not partition_columns:
            continue
        segments = path.split("/")[:-1]
        want = []
        for column in partition_columns:
            value = add.get("partitionValues", {}).get(column)
            want.append((column, "__HIVE_DEFAULT_PARTITION__" if value in (None, "") else value))
        got = []
        for segment in segments:
            key, _, value = segment.partition("=")
            got.append((urllib.parse.unquote(key), value if value == "__HIVE_DEFAULT_PARTITION__" else urllib.parse.unquote(value)))
        check(f"{label} partition directories decode to the values {path}", got == want, f"{got} != {want}")


def leaf_values(data, path):
    """The values of the leaf at `path` (struct fields only), parent nulls applied."""
    array = data.column(path[0]).combine_chunks()
    for name in path[1:]:
        if isinstance(array, pa.ChunkedArray):
            array = array.combine_chunks()
        children = array.flatten()
        array = children[[f.name for f in array.type].index(name)]
    return array


def stat_leaves(node, prefix=()):
    for key, value in (node or {}).items():
        if isinstance(value, dict):
            yield from stat_leaves(value, prefix + (key,))
        else:
            yield prefix + (key,), value


def field_at(schema, path):
    field = schema.field(path[0])
    for name in path[1:]:
        field = field.type.field(name)
    return field


def check_stats(label, root, add, schema, data_columns):
    path = os.path.join(root, urllib.parse.unquote(add["path"]))
    name = os.path.basename(path)
    if not check(f"{label} add has stats {name}", bool(add.get("stats")), "no stats"):
        return
    stats = json.loads(add["stats"], parse_float=decimal.Decimal)
    if not os.path.exists(path):
        return  # removed by a later overwrite and vacuumed: nothing to compare with (not expected here)
    metadata = pq.ParquetFile(path).metadata
    check(f"{label} stats numRecords {name}", stats.get("numRecords") == metadata.num_rows,
          f"{stats.get('numRecords')} != {metadata.num_rows}")
    data = pq.read_table(path, partitioning=None)
    for leaf, count in stat_leaves(stats.get("nullCount")):
        try:
            values = leaf_values(data, leaf)
        except (KeyError, ValueError, IndexError) as error:
            check(f"{label} nullCount names a column {'.'.join(leaf)}", False, repr(error))
            continue
        check(f"{label} nullCount {'.'.join(leaf)} {name}", count == values.null_count, f"{count} != {values.null_count}")
    # Leaves with bounds must have them when the file has a non-null, finite value.
    for bound_name, is_min in (("minValues", True), ("maxValues", False)):
        bounds = dict(stat_leaves(stats.get(bound_name)))
        for leaf, bound in bounds.items():
            field = field_at(schema, leaf)
            values = [v for v in leaf_values(data, leaf).to_pylist() if v is not None]
            bad = [v for v in values if not within(v, bound, field.type, is_min)]
            check(f"{label} {bound_name} {'.'.join(leaf)} bounds the values {name}", not bad,
                  f"bound {bound!r}, e.g. {bad[:2]!r}")
        for column in data_columns:
            field = schema.field(column)
            if not (pa.types.is_integer(field.type) or pa.types.is_decimal(field.type) or pa.types.is_date32(field.type)
                    or pa.types.is_timestamp(field.type) or pa.types.is_string(field.type)):
                continue
            values = [v for v in data.column(column).to_pylist() if v is not None]
            if values and not (pa.types.is_string(field.type) and not is_min):
                check(f"{label} {bound_name} present for {column} {name}", (column,) in bounds, "missing")


def within(value, bound, arrow_type, is_min):
    """Whether `bound` (from the stats JSON) is a lower (is_min) or upper bound of `value`."""
    t = arrow_type
    if pa.types.is_floating(t):
        if math.isnan(value):
            return True
        b = float(bound)
        if pa.types.is_float32(t):
            b = struct.unpack("f", struct.pack("f", b))[0]
        return b <= value if is_min else value <= b
    if pa.types.is_integer(t) or pa.types.is_decimal(t):
        b = decimal.Decimal(bound) if not isinstance(bound, int) else bound
        return b <= value if is_min else value <= b
    if pa.types.is_string(t):
        # Parquet and Delta order strings by their UTF-8 bytes.
        b, v = bound.encode("utf-8"), value.encode("utf-8")
        return b <= v if is_min else v <= b
    if pa.types.is_date32(t):
        b = datetime.date.fromisoformat(bound)
        return b <= value if is_min else value <= b
    if pa.types.is_timestamp(t):
        b = datetime.datetime.fromisoformat(bound.replace("Z", "+00:00"))
        if t.tz is None:
            b = b.replace(tzinfo=None)
        elif b.tzinfo is None:
            b = b.replace(tzinfo=UTC)
        return b <= value if is_min else value <= b
    return True


# ---------------------------------------------------------------------------------------------
# Scenarios

def write_input(work, name, table):
    path = os.path.join(work, name)
    pq.write_table(table, path, compression="none", row_group_size=max(1, table.num_rows // 2 or 1))
    return path


def lake_tables(work, rng):
    next_id = [0]

    def make(kind, rows):
        table = make_table(kind, rng, rows, next_id[0])
        next_id[0] += rows
        return table

    for kind in ("a", "b", "c", "d"):
        label = {"a": "a-unpartitioned", "b": "b-string-partitions", "c": "c-int-date-partitions", "d": "d-timestamp-ntz"}[kind]
        root = os.path.join(work, f"table_{kind}")
        partitions = PARTITIONS[kind]
        part_args = ["--partition-by", ",".join(partitions)] if partitions else []
        app = f"job-{kind}"
        inputs = [make(kind, n) for n in (1500, 300, 200, 150, 120, 400, 250, 180)]
        files = [write_input(work, f"{kind}{i}.parquet", t) for i, t in enumerate(inputs)]
        rows = [expected_rows(t, partitions) for t in inputs]
        versions, history = [], []

        def commit(step, args, new_rows, operation, mode, expect_version):
            code, summary, err = ingest(root, *args)
            ok = check(f"{label} {step} exit 0", code == 0, err.strip())
            if ok:
                check(f"{label} {step} committed version {expect_version}",
                      summary is not None and summary.get("committed") is True and summary.get("version") == expect_version,
                      f"{summary}")
                versions.append(new_rows)
                history.append((operation, mode))
            return ok

        # v0: create, several files per partition (small target size), zstd.
        target = {"a": "8K", "b": "4K", "c": "2K", "d": "4K"}[kind]
        if not commit("create", ([files[0]], *part_args, "--target-file-size", target), rows[0],
                      "CREATE TABLE AS SELECT", "Append", 0):
            continue
        adds = [a["add"] for a in read_commit(root, 0) if "add" in a]
        groups = {json.dumps(a.get("partitionValues", {}), sort_keys=True) for a in adds}
        check(f"{label} small --target-file-size rolls files", len(adds) > len(groups), f"{len(adds)} files, {len(groups)} partitions")
        # v1, v2: appends with an application transaction; v2 has two inputs in one commit.
        commit("append txn 1", ([files[1]], "--txn-app", app, "--txn-version", "1", "--compression", "snappy"),
               versions[-1] + rows[1], "WRITE", "Append", 1)
        commit("append txn 2", ([files[2], files[3]], "--txn-app", app, "--txn-version", "2", "--compression", "lz4"),
               versions[-1] + rows[2] + rows[3], "WRITE", "Append", 2)
        # A replayed transaction version, --mode ignore and --mode error commit nothing.
        for step, args, expect_code in (
                ("replayed txn 2", ([files[4]], "--txn-app", app, "--txn-version", "2"), 0),
                ("replayed txn 1", ([files[4]], "--txn-app", app, "--txn-version", "1"), 0),
                ("mode ignore", ([files[4]], "--mode", "ignore"), 0),
                ("mode error", ([files[4]], "--mode", "error"), 1)):
            code, summary, err = ingest(root, *args)
            if expect_code == 0:
                check(f"{label} {step} exit 0, skipped", code == 0 and summary is not None and summary.get("committed") is False
                      and summary.get("skipped"), f"exit {code}, {summary}, {err.strip()}")
            else:
                check(f"{label} {step} fails with error:", code != 0 and "error:" in err, f"exit {code}, {err.strip()}")
            check(f"{label} {step} made no version", log_versions(root)[-1] == len(versions) - 1, f"{log_versions(root)}")
        # v3: overwrite (gzip); v4: append a directory of two files (no compression, small files).
        commit("overwrite", ([files[5]], "--mode", "overwrite", "--compression", "gzip"), rows[5], "WRITE", "Overwrite", 3)
        directory = os.path.join(work, f"dir_{kind}")
        os.mkdir(directory)
        for i in (6, 7):
            shutil.copy(files[i], os.path.join(directory, f"part{i}.parquet"))
        with open(os.path.join(directory, ".hidden.parquet"), "wb") as handle:
            handle.write(b"not parquet, must be skipped")
        commit("append directory", ([directory], "--compression", "none", "--target-file-size", "4K"),
               versions[-1] + rows[6] + rows[7], "WRITE", "Append", 4)
        check_table(label, root, inputs[0].schema, partitions, versions, history, app=app, app_version=2, duckdb_hive=kind == "c")


def deltalake_tables(work, rng):
    """Tables deltalake writes, appended to by lake, read back by deltalake (and lake, when it can)."""
    for variant in ("partitioned", "checkpointed"):
        label = f"deltalake-written {variant}"
        root = os.path.join(work, f"dl_{variant}")
        parts = []
        for i in range(3):
            n = 80 + i
            start = datetime.datetime(2023, 6, 1, tzinfo=UTC)
            parts.append(pa.table({
                "id": pa.array(range(i * 1000, i * 1000 + n), pa.int64()),
                "name": pa.array([rng.choice(WORDS + [None]) for _ in range(n)], pa.string()),
                "amount": pa.array([None if rng.random() < 0.1 else decimal.Decimal(rng.randint(-10**6, 10**6)).scaleb(-2)
                                    for _ in range(n)], pa.decimal128(10, 2)),
                "score": pa.array([rng.choice([None, 1.5, -0.0, rng.random()]) for _ in range(n)], pa.float64()),
                "small": pa.array([rng.choice([None, -3, 100]) for _ in range(n)], pa.int16()),
                "ok": pa.array([rng.choice([None, True, False]) for _ in range(n)], pa.bool_()),
                "ts": pa.array([start + datetime.timedelta(seconds=rng.randint(0, 10**7)) for _ in range(n)], pa.timestamp("us", tz="UTC")),
                "day": pa.array([datetime.date(2024, 1, 1) + datetime.timedelta(days=rng.randint(0, 3)) for _ in range(n)], pa.date32()),
                "region": pa.array([rng.choice(["eu west/1", "us=east%2", "日本", None, "plain"]) for _ in range(n)], pa.string()),
            }))
        try:
            for i in range(2):
                deltalake.write_deltalake(root, parts[i], partition_by=["region"], mode="append")
            if variant == "checkpointed":
                table = deltalake.DeltaTable(root)
                table.create_checkpoint()
        except Exception as error:  # noqa: BLE001
            check(f"{label} deltalake writes", False, repr(error))
            continue
        source = write_input(work, f"dl_{variant}_append.parquet", parts[2])
        code, summary, err = ingest(root, [source])
        if not check(f"{label} lake appends", code == 0 and summary and summary.get("version") == 2, f"exit {code} {summary} {err.strip()}"):
            continue
        expected = [r for t in parts for r in t.to_pylist()]
        table = deltalake.DeltaTable(root)
        check(f"{label} deltalake version after lake's append", table.version() == 2, str(table.version()))
        compare_rows(f"{label} deltalake reads deltalake's and lake's rows", expected, table.to_pyarrow_table().to_pylist(),
                     parts[0].column_names)
        history = table.history()
        check(f"{label} history shows lake's append", history[0].get("engineInfo", "").startswith("lake")
              and history[0].get("operation") == "WRITE", f"{history[0]}")
        files, _, _ = replay(root, 2)
        check_paths(label, root, {p: a for p, a in files.items()}, ["region"])
        for action in read_commit(root, 2):
            if "add" in action:
                check_stats(label, root, action["add"], parts[0].schema, [c for c in parts[0].column_names if c != "region"])
        # `lake cat <table>`, when this build has it.
        code, out, err = lake("cat", root, "--format", "jsonl")
        if code == 0:
            lines = [json.loads(line) for line in out.splitlines() if line.strip()]
            check(f"{label} lake cat <table> ids", sorted(r["id"] for r in lines) == sorted(r["id"] for r in expected),
                  f"{len(lines)} rows")
        else:
            print(f"note: `lake cat <table>` is not available in this build ({err.strip().splitlines()[0] if err.strip() else code}); "
                  "lake's reading of the table is checked through `lake ingest` only")


def main():
    seed = int(os.environ.get("LAKE_ROUNDTRIP_SEED") or random.SystemRandom().randrange(2**32))
    print(f"{NAME}: seed {seed} (replay with LAKE_ROUNDTRIP_SEED={seed})", flush=True)
    rng = random.Random(seed)
    work = tempfile.mkdtemp(prefix="lake-delta-roundtrip-")
    try:
        lake_tables(work, rng)
        deltalake_tables(work, rng)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{NAME}: {passed} passed, {failed} failed")
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())

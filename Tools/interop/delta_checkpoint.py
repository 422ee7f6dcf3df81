#!/usr/bin/env python3
"""Interop test: deltalake (delta-rs) reads a table whose state only lake's checkpoint holds.

Usage: delta_checkpoint.py DIR, where DIR was filled by the Swift test "Checkpoint interop table"
(`LAKE_INTEROP_DIR=DIR swift test --filter CheckpointInteropTable`): DIR/table is a partitioned
Delta table that lake checkpointed at version 5, with commits 6 and 7 after it and the commits
before 5 deleted; DIR/expected.json holds what lake reads from it (live files, rows in the
canonical form of conformance/delta/MANIFEST.md, txns).

Checks: pyarrow reads the checkpoint file (one row per action, `_last_checkpoint` agrees);
`deltalake.DeltaTable` at the latest version and at the checkpoint version gives the same rows and
files as lake, its add actions carry lake's statistics, and it sees the txn. With LAKE_BIN set,
`lake cat DIR/table --format jsonl` must print the same rows too.

Prints "N passed, M failed" and exits non-zero on failure (Tools/test.sh runs it).
"""
import datetime
import json
import os
import subprocess
import sys

import deltalake
import pyarrow as pa
import pyarrow.parquet as pq

passed = 0
failed = 0


def check(name, condition, detail=""):
    global passed, failed
    if condition:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {name}: {detail}"[:3000], flush=True)


def canonical(value):
    """The canonical JSON value of the conformance dumps (floats as repr strings, dates ISO)."""
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def canonical_rows(table):
    return sorted(
        json.dumps({key: canonical(value) for key, value in row.items()}, sort_keys=True, ensure_ascii=False)
        for row in table.to_pylist()
    )


def main():
    directory = sys.argv[1]
    root = os.path.join(directory, "table")
    with open(os.path.join(directory, "expected.json"), encoding="utf-8") as handle:
        expected = json.load(handle)
    log = os.path.join(root, "_delta_log")
    checkpoint_version = expected["checkpoint"]

    # The checkpoint itself, as plain Parquet.
    checkpoint_path = os.path.join(log, f"{checkpoint_version:020d}.checkpoint.parquet")
    checkpoint = pq.read_table(checkpoint_path)
    with open(os.path.join(log, "_last_checkpoint"), encoding="utf-8") as handle:
        hint = json.load(handle)
    check("_last_checkpoint version", hint["version"] == checkpoint_version, hint)
    check("_last_checkpoint size", hint["size"] == checkpoint.num_rows, (hint, checkpoint.num_rows))
    check("_last_checkpoint sizeInBytes", hint["sizeInBytes"] == os.path.getsize(checkpoint_path), hint)
    names = checkpoint.column_names
    check("checkpoint columns", names == ["protocol", "metaData", "txn", "add", "remove", "domainMetadata"], names)
    for index, row in enumerate(checkpoint.to_pylist()):
        present = [name for name in names if row[name] is not None]
        check("one action per row", len(present) == 1, (index, present))
    adds = [row["add"] for row in checkpoint.to_pylist() if row["add"] is not None]
    check("_last_checkpoint numOfAddFiles", hint["numOfAddFiles"] == len(adds), (hint, len(adds)))
    codecs = {
        checkpoint_meta.column(column).compression
        for checkpoint_meta in [pq.ParquetFile(checkpoint_path).metadata.row_group(0)]
        for column in range(checkpoint_meta.num_columns)
    }
    check("checkpoint codec", codecs == {"SNAPPY"}, codecs)

    # No JSON commit before the checkpoint: delta-rs must start from it.
    commits = sorted(name for name in os.listdir(log) if name.endswith(".json"))
    check("commits before the checkpoint deleted", int(commits[0][:20]) == checkpoint_version, commits)

    table = deltalake.DeltaTable(root)
    check("latest version", table.version() == expected["version"], table.version())
    rows = canonical_rows(table.to_pyarrow_table())
    check("rows at the latest version", rows == expected["rows"], f"\ndelta-rs: {rows}\nlake:     {expected['rows']}")
    # file_uris() gives the paths on disk (the log's URIs decoded once).
    files = sorted(uri[len("file://"):] if uri.startswith("file://") else uri for uri in table.file_uris())
    expected_files = sorted(os.path.join(os.path.abspath(root), path) for path in expected["files"])
    check("live files", files == expected_files, f"\ndelta-rs: {files}\nlake:     {expected_files}")
    actions = pa.table(table.get_add_actions(flatten=True)).to_pylist()
    records = sum(action["num_records"] for action in actions)
    check("statistics numRecords", records == len(expected["rows"]), records)
    for app, version in expected["transactions"].items():
        seen = table.transaction_version(app)
        check(f"txn {app}", seen == version, seen)
    protocol = table.protocol()
    check("protocol", (protocol.min_reader_version, protocol.min_writer_version) == (1, 2), protocol)
    metadata = table.metadata()
    check("metadata", (metadata.name, metadata.partition_columns) == ("interop", ["region"]), metadata)

    at_checkpoint = deltalake.DeltaTable(root, version=checkpoint_version)
    rows = canonical_rows(at_checkpoint.to_pyarrow_table())
    check("rows at the checkpoint version", rows == expected["rowsAtCheckpoint"],
          f"\ndelta-rs: {rows}\nlake:     {expected['rowsAtCheckpoint']}")

    lake = os.environ.get("LAKE_BIN")
    if lake:
        result = subprocess.run([lake, "cat", root, "--format", "jsonl"], capture_output=True, text=True)
        check("lake cat exit status", result.returncode == 0, result.stderr)
        if result.returncode == 0:
            printed = sorted(
                json.dumps({key: canonical(value) for key, value in json.loads(line).items()}, sort_keys=True,
                           ensure_ascii=False)
                for line in result.stdout.splitlines() if line.strip())
            check("lake cat rows", printed == expected["rows"], f"\nlake cat: {printed}\nexpected: {expected['rows']}")

    print(f"delta checkpoint interop (deltalake {deltalake.__version__}): {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

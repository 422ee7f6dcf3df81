#!/usr/bin/env python3
"""Writes the hand-made hostile Parquet files of this folder (see README.md).

Each file is a few hundred bytes whose footer or page headers claim far more than the bytes hold.
A minimal Thrift compact encoder builds the metadata, so no Parquet library is needed and every
byte is deliberate.

usage: make_fixtures.py [OUTDIR]    (default: this script's folder)
"""
import gzip
import os
import struct
import sys

I32, I64, BINARY, LIST, STRUCT = 5, 6, 8, 9, 12

# Parquet enums used below.
BOOLEAN, INT32, INT64, BYTE_ARRAY, FLBA = 0, 1, 2, 6, 7
REQUIRED, OPTIONAL = 0, 1
PLAIN, PLAIN_DICTIONARY, RLE, DELTA_LENGTH_BYTE_ARRAY, RLE_DICTIONARY, BYTE_STREAM_SPLIT = 0, 2, 3, 6, 8, 9
UNCOMPRESSED, GZIP = 0, 2
DATA_PAGE, DICTIONARY_PAGE = 0, 2
INT32_MAX = 2**31 - 1


def uvarint(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def zigzag(n):
    return uvarint((n << 1) ^ (n >> 63))


def value(kind, v):
    if kind in (I32, I64):
        return zigzag(v)
    if kind == BINARY:
        v = v.encode() if isinstance(v, str) else v
        return uvarint(len(v)) + v
    if kind == STRUCT:
        return struct_(v)
    if isinstance(kind, tuple):  # (LIST, element kind)
        element = kind[1]
        head = bytes([(len(v) << 4) | element]) if len(v) < 15 else bytes([0xF0 | element]) + uvarint(len(v))
        return head + b"".join(value(element, x) for x in v)
    raise ValueError(kind)


def struct_(fields):
    """fields: (id, kind, value) with ascending ids; a value of None is left out."""
    out = bytearray()
    last = 0
    for field, kind, v in fields:
        if v is None:
            continue
        compact = kind[0] if isinstance(kind, tuple) else kind
        delta = field - last
        if 0 < delta <= 15:
            out.append((delta << 4) | compact)
        else:
            out.append(compact)
            out += zigzag(field)
        out += value(kind, v)
        last = field
    out.append(0)
    return bytes(out)


def page_header(kind, raw, stored, data=None, dictionary=None):
    """data: (num_values, encoding); dictionary: (num_values, encoding)."""
    data_header = None
    if data:
        data_header = [(1, I32, data[0]), (2, I32, data[1]), (3, I32, RLE), (4, I32, RLE)]
    dictionary_header = [(1, I32, dictionary[0]), (2, I32, dictionary[1])] if dictionary else None
    return struct_([
        (1, I32, kind), (2, I32, raw), (3, I32, stored),
        (5, STRUCT, data_header), (7, STRUCT, dictionary_header),
    ])


def parquet_file(column, physical, repetition, row_groups, pages, type_length=None, codec=UNCOMPRESSED,
                 encodings=(PLAIN, RLE)):
    """One leaf column `column`; every row group points at the same chunk bytes `pages`.

    row_groups: list of (num_rows, num_values).
    """
    body = b"PAR1"
    chunk_offset = len(body)
    body += pages
    schema = [
        [(4, BINARY, "schema"), (5, I32, 1)],
        [(1, I32, physical), (2, I32, type_length), (3, I32, repetition), (4, BINARY, column)],
    ]
    groups = []
    for num_rows, num_values in row_groups:
        metadata = [
            (1, I32, physical), (2, (LIST, I32), list(encodings)), (3, (LIST, BINARY), [column]),
            (4, I32, codec), (5, I64, num_values), (6, I64, len(pages)), (7, I64, len(pages)),
            (9, I64, chunk_offset),
        ]
        chunk = [(2, I64, chunk_offset), (3, STRUCT, metadata)]
        groups.append([(1, (LIST, STRUCT), [chunk]), (2, I64, len(pages)), (3, I64, num_rows)])
    total_rows = sum(rows for rows, _ in row_groups) & (2**63 - 1)
    footer = struct_([
        (1, I32, 2), (2, (LIST, STRUCT), schema), (3, I64, total_rows), (4, (LIST, STRUCT), groups),
        (6, BINARY, "lake fuzz fixture"),
    ])
    return body + footer + struct.pack("<I", len(footer)) + b"PAR1"


def data_page(values, num_values, encoding=PLAIN, raw=None):
    return page_header(DATA_PAGE, raw if raw is not None else len(values), len(values),
                       data=(num_values, encoding)) + values


def fixtures():
    files = {}
    # Two row groups whose num_rows add up past Int64.max: `rowCount` summed them and trapped.
    one_int = data_page(struct.pack("<i", 7), 1)
    files["row-count-overflow.parquet"] = parquet_file(
        "a", INT32, REQUIRED, [(2**62 + 2**61, 1), (2**62 + 2**61, 1)], one_int)

    # A 1-value gzip page that says it inflates to 2 GiB: the page buffer was allocated at that size.
    member = gzip.compress(struct.pack("<i", 7), mtime=0)
    files["page-inflates-2gib.parquet"] = parquet_file(
        "a", INT32, REQUIRED, [(1, 1)], data_page(member, 1, raw=INT32_MAX), codec=GZIP)

    # A chunk claiming 2^31 - 1 INT64 values with one real value: 16 GiB were allocated up front.
    files["chunk-claims-2g-values.parquet"] = parquet_file(
        "a", INT64, REQUIRED, [(INT32_MAX, INT32_MAX)], data_page(struct.pack("<q", 7), INT32_MAX))

    # An optional column whose page claims 2^31 - 1 levels, with one RLE run of 1: the definition
    # levels (4 GiB of UInt16) were reserved, then zero-filled, before the runs were read.
    levels = struct.pack("<I", 2) + uvarint(1 << 1) + b"\x01"
    files["levels-claim-2g.parquet"] = parquet_file(
        "a", INT32, OPTIONAL, [(INT32_MAX, INT32_MAX)],
        data_page(levels + struct.pack("<i", 7), INT32_MAX))

    # A dictionary-encoded column whose data page claims 2^31 - 1 indices but holds no runs: the
    # index buffer (8 GiB of UInt32, zero-filled) was allocated before the runs were read.
    dictionary = page_header(DICTIONARY_PAGE, 4, 4, dictionary=(1, PLAIN)) + struct.pack("<i", 7)
    files["dictionary-indices-claim.parquet"] = parquet_file(
        "a", INT32, REQUIRED, [(INT32_MAX, INT32_MAX)],
        dictionary + data_page(b"\x01", INT32_MAX, encoding=RLE_DICTIONARY),
        encodings=(PLAIN, RLE, RLE_DICTIONARY))

    # A DELTA_LENGTH_BYTE_ARRAY page claiming 2^31 - 1 strings whose lengths stream says 1: the
    # offsets (8 GiB, zero-filled) were allocated before the stream's header was read.
    lengths = uvarint(128) + uvarint(4) + uvarint(1) + zigzag(0)
    files["delta-length-claim.parquet"] = parquet_file(
        "s", BYTE_ARRAY, REQUIRED, [(INT32_MAX, INT32_MAX)],
        data_page(lengths, INT32_MAX, encoding=DELTA_LENGTH_BYTE_ARRAY),
        encodings=(DELTA_LENGTH_BYTE_ARRAY, RLE))

    # A FIXED_LEN_BYTE_ARRAY(16) BYTE_STREAM_SPLIT page claiming 2^27 values in 16 bytes: 2 GiB were
    # zero-filled before the decoder checked the size.
    count = 2**27
    files["byte-stream-split-claim.parquet"] = parquet_file(
        "f", FLBA, REQUIRED, [(count, count)], data_page(bytes(16), count, encoding=BYTE_STREAM_SPLIT),
        type_length=16, encodings=(BYTE_STREAM_SPLIT, RLE))
    return files


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    for name, data in fixtures().items():
        with open(os.path.join(out, name), "wb") as handle:
            handle.write(data)
        print(f"{name}: {len(data)} bytes")


if __name__ == "__main__":
    main()

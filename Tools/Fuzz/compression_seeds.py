#!/usr/bin/env python3
"""Writes seed inputs for the FuzzCompression target into a corpus directory.

Input layout (FuzzCompression/main.swift): codec index (Codec.allCases: none, snappy, gzip,
lz4Hadoop, lz4Raw, zstd), u16 LE output size, compressed block. The blocks come from the system
libraries through ctypes (no Python packages needed): the codecs are C and not instrumented, so
libFuzzer cannot discover their formats from coverage and needs valid blocks to mutate.

usage: compression_seeds.py CORPUS_DIR
"""
import ctypes
import ctypes.util
import gzip
import os
import random
import struct
import sys


def load(name):
    path = ctypes.util.find_library(name)
    return ctypes.CDLL(path) if path else None


zstd, lz4, snappy = load("zstd"), load("lz4"), load("snappy")
if zstd:
    zstd.ZSTD_compressBound.restype = ctypes.c_size_t
    zstd.ZSTD_compress.restype = ctypes.c_size_t


def with_zstd(data):
    bound = zstd.ZSTD_compressBound(ctypes.c_size_t(len(data)))
    out = ctypes.create_string_buffer(bound)
    size = zstd.ZSTD_compress(out, ctypes.c_size_t(bound), data, ctypes.c_size_t(len(data)), 3)
    return out.raw[:size]


def with_lz4(data):
    bound = len(data) + len(data) // 255 + 16
    out = ctypes.create_string_buffer(bound)
    size = lz4.LZ4_compress_default(data, out, len(data), bound)
    return out.raw[:size]


def with_snappy(data):
    length = ctypes.c_size_t(32 + len(data) * 7 // 6)
    out = ctypes.create_string_buffer(length.value)
    status = snappy.snappy_compress(data, ctypes.c_size_t(len(data)), out, ctypes.byref(length))
    assert status == 0, status
    return out.raw[:length.value]


def main():
    corpus = sys.argv[1]
    generator = random.Random(1)
    payloads = {
        "empty": b"",
        "counting": bytes(range(256)) * 4,
        "text": b"lake writes parquet; " * 50,
        "random": bytes(generator.getrandbits(8) for _ in range(600)),
        "zeros": bytes(4000),
    }
    for name, data in payloads.items():
        blocks = {0: data, 2: gzip.compress(data, mtime=0)}
        if snappy:
            blocks[1] = with_snappy(data)
        if lz4 and data:
            raw = with_lz4(data)
            blocks[4] = raw
            blocks[3] = struct.pack(">II", len(data), len(raw)) + raw
        if zstd:
            blocks[5] = with_zstd(data)
        for codec, block in blocks.items():
            with open(os.path.join(corpus, f"seed-{name}-{codec}"), "wb") as out:
                out.write(bytes([codec]) + struct.pack("<H", len(data)) + block)


if __name__ == "__main__":
    main()

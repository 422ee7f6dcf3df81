#!/usr/bin/env python3
"""Regenerate footers.json: footer facts of every conformance Parquet file, as pqinspect.py sees them.

usage: python3 Fixtures/parquet-footers/make_golden.py [CONFORMANCE_PARQUET_DIR]
(default: ../shared/conformance/parquet relative to the package root)
"""
import json
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "..", "..", "shared", "conformance", "parquet")
root = os.path.abspath(root)
sys.path.insert(0, os.path.join(root, "tools"))
import pqinspect  # noqa: E402

out = {}
for folder in ("good", "writers", "minimal_writer"):
    for name in sorted(os.listdir(os.path.join(root, folder))):
        if not name.endswith(".parquet"):
            continue
        rel = folder + "/" + name
        facts = pqinspect.summarize(os.path.join(root, rel))
        del facts["file"]
        for rg in facts["row_groups"]:
            for column in rg["columns"]:
                del column["pages"]  # page walk: not a footer fact
        out[rel] = facts

with open(os.path.join(here, "footers.json"), "w") as f:
    json.dump(out, f, indent=None, separators=(",", ":"), sort_keys=True)
    f.write("\n")
print("wrote %d files" % len(out))

#!/usr/bin/env python3
"""T3 (disk full) and T4 (read-only table) for `lake ingest` (reliability.md §4, SPEC.md §1 I1, I4).

T3: a 2 MiB tmpfs holds a table at version 0; ingesting ~8 MB of CSV must fail with "No space
left on device", exit 1, leave version 0 readable with its rows, and leave no data file behind;
after remounting bigger, the same ingest succeeds. Needs root (mount); skipped otherwise.
T4: as user nobody (setpriv), ingesting into a table whose directories are read-only must fail
with a "Permission denied" error naming a path, exit 1, and create no version.
Prints "t3_t4_ingest: N passed, M failed"; exits non-zero on failure.
"""
import os
import shutil
import subprocess
import sys
import tempfile

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


def run(*args, prefix=()):
    result = subprocess.run([*prefix, LAKE, *args], capture_output=True, text=True)
    return result.returncode, result.stdout, result.stderr


def write_csv(path, rows):
    with open(path, "w") as handle:
        handle.write("id,text\n")
        for index in range(rows):
            handle.write(f"{index},row {index} {'x' * (index % 50)}\n")


def main():
    work = tempfile.mkdtemp(prefix="lake-t3t4-")
    os.chmod(work, 0o755)
    try:
        small = os.path.join(work, "small.csv")
        big = os.path.join(work, "big.csv")
        write_csv(small, 3)
        write_csv(big, 200_000)
        if os.geteuid() == 0 and shutil.which("mount"):
            mountpoint = os.path.join(work, "full")
            os.mkdir(mountpoint)
            subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mountpoint], check=True)
            try:
                table = os.path.join(mountpoint, "t")
                code, _, err = run("ingest", table, small)
                check("T3 version 0", code == 0, err)
                code, _, err = run("ingest", table, big, "--compression", "none")
                check("T3 full disk fails", code == 1 and "No space left" in err, (code, err))
                logs = sorted(os.listdir(os.path.join(table, "_delta_log")))
                check("T3 no new version", logs == ["00000000000000000000.json"], logs)
                data = [n for n in os.listdir(table) if n.endswith(".parquet")]
                check("T3 failed files removed", len(data) == 1, data)
                code, out, err = run("cat", table, "--format", "csv")
                check("T3 version 0 intact", code == 0 and out.count("\n") == 4, (out, err))
                subprocess.run(["mount", "-o", "remount,size=64m", mountpoint], check=True)
                code, _, err = run("ingest", table, big, "--compression", "none")
                check("T3 retry succeeds after remount", code == 0, err)
            finally:
                subprocess.run(["umount", mountpoint])
        else:
            print("t3_t4_ingest: T3 skipped (needs root to mount tmpfs)")
        if os.geteuid() == 0 and shutil.which("setpriv"):
            table = os.path.join(work, "ro")
            code, _, err = run("ingest", table, small)
            check("T4 version 0", code == 0, err)
            for root, dirs, files in os.walk(table):
                os.chmod(root, 0o555)
            os.chmod(small, 0o644)
            nobody = ("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups")
            code, _, err = run("ingest", table, small, prefix=nobody)
            check("T4 read-only fails", code == 1 and "permission denied" in err.lower() and table in err, (code, err))
            logs = sorted(os.listdir(os.path.join(table, "_delta_log")))
            check("T4 no new version", logs == ["00000000000000000000.json"], logs)
            for root, dirs, files in os.walk(table):
                os.chmod(root, 0o755)
        else:
            print("t3_t4_ingest: T4 skipped (needs root and setpriv)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"t3_t4_ingest: {passed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

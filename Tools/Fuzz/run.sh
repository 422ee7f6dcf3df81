#!/usr/bin/env bash
# Builds and runs one libFuzzer target (reliability.md §5, T12).
#
#   Tools/Fuzz/run.sh [target] [seconds] [-- extra libFuzzer flags]
#   Tools/Fuzz/run.sh FuzzParquet 600
#   LAKE_FUZZ_ASAN=1 Tools/Fuzz/run.sh FuzzParquet 600      # with AddressSanitizer (~5-10x slower)
#   Tools/Fuzz/run.sh FuzzParquet 0 -- crash-1234abcd       # replay one input (seconds are ignored)
#
# target   FuzzParquet (default), FuzzCompression or FuzzIngest.
# seconds  how long to fuzz (default 60).
#
# The build goes to .build-fuzz (.build-fuzz-asan with ASan), never disturbing .build. The corpus
# lives outside the repository, in $LAKE_FUZZ_DIR/<target>/corpus (default /tmp/lake-fuzz), and
# keeps growing across runs; it is seeded on every run from ../shared/conformance/parquet
# (good, writers, bad, minimal_writer) and Fixtures/parquet/fuzz, taking only files of at most
# $LAKE_FUZZ_MAX_LEN bytes (default 65536, also libFuzzer's -max_len). Crashes, timeouts and
# out-of-memory inputs are written to $LAKE_FUZZ_DIR/<target>/ as crash-*, timeout-*, oom-*; keep
# each finding as a regression fixture in Fixtures/parquet/fuzz (see its README.md).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
target=${1:-FuzzParquet}
seconds=${2:-60}
shift $(($# < 2 ? $# : 2))
if [[ ${1:-} == "--" ]]; then shift; fi

case "$target" in
    FuzzParquet | FuzzCompression | FuzzIngest) ;;
    *) echo "unknown target '$target' (FuzzParquet, FuzzCompression or FuzzIngest)" >&2; exit 2 ;;
esac

scratch="$root/.build-fuzz"
sanitizers=(--sanitize=fuzzer)
if [[ -n ${LAKE_FUZZ_ASAN:-} ]]; then
    scratch="$root/.build-fuzz-asan"
    # Not `--sanitize=fuzzer --sanitize=address`: SwiftPM passes them as two -sanitize= flags in an
    # order that varies from run to run (a Set), and the driver keeps only the last one, so the
    # build silently lacks either coverage or ASan instrumentation. One combined flag keeps both;
    # --sanitize=fuzzer still tells SwiftPM not to link a `main` of its own.
    sanitizers+=(-Xswiftc -sanitize=fuzzer,address)
fi

cd "$root"
echo "== building $target (${sanitizers[*]}) in $scratch" >&2
# The linker warns about every ASan symbol it cannot export; those lines are noise.
LAKE_FUZZ=1 swift build --scratch-path "$scratch" -c release "${sanitizers[@]}" --product "$target" 2>&1 \
    | grep -v "Cannot export local symbol" >&2 || true
binary="$scratch/release/$target"
[[ -x $binary ]] || { echo "build failed: no $binary" >&2; exit 1; }

work="${LAKE_FUZZ_DIR:-/tmp/lake-fuzz}/$target"
corpus="$work/corpus"
mkdir -p "$corpus"
max_len=${LAKE_FUZZ_MAX_LEN:-65536}

seed_parquet() {
    local conformance="$root/../shared/conformance/parquet"
    local file
    for file in "$conformance"/{good,writers,bad,minimal_writer}/*.parquet "$root"/Fixtures/parquet/fuzz/*.parquet; do
        [[ -f $file ]] || continue
        (($(stat -c %s "$file") <= max_len)) || continue
        # Name seeds by content, as libFuzzer names what it adds, so reseeding adds nothing twice.
        cp "$file" "$corpus/seed-$(sha1sum "$file" | cut -c1-16)"
    done
}

seed_ingest() {
    # The text fixtures, each behind a first byte that selects ',' and one piece.
    local file
    for file in "$root"/Fixtures/ingest/*.csv "$root"/Fixtures/ingest/*.jsonl; do
        [[ -f $file ]] || continue
        { printf '\x00'; cat "$file"; } > "$corpus/seed-$(sha1sum "$file" | cut -c1-16)"
    done
}

seed_compression() {
    # Valid blocks of every codec, made with the system libraries (compression_seeds.py).
    python3 "$root/Tools/Fuzz/compression_seeds.py" "$corpus"
}

if [[ $# -gt 0 && -f $1 ]]; then
    # Replay mode: run the given inputs once each.
    SWIFT_BACKTRACE=enable=no exec "$binary" "$@"
fi

case "$target" in
    FuzzParquet) seed_parquet ;;
    FuzzCompression) seed_compression ;;
    FuzzIngest) seed_ingest ;;
esac
echo "== fuzzing $target for ${seconds}s; corpus $corpus ($(ls "$corpus" | wc -l) inputs), artifacts in $work/" >&2

# -timeout: an input taking over 10 s is a hang. -malloc_limit_mb: one allocation over 1 GiB is a
# bug (the harness only decodes files whose claims fit its budget). -rss_limit_mb: total memory.
SWIFT_BACKTRACE=enable=no "$binary" \
    -max_total_time="$seconds" \
    -max_len="$max_len" \
    -timeout=10 \
    -rss_limit_mb=2048 \
    -malloc_limit_mb=1024 \
    -print_final_stats=1 \
    -artifact_prefix="$work/" \
    "$@" \
    "$corpus"

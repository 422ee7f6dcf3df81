#!/usr/bin/env bash
# Throughput of `lake generate` (release build): every data set and format, 1 and 2 threads.
# Prints wall time and CPU time (user + sys) per run; rows per CPU-second is the per-core rate and
# stays meaningful on a machine shared with other work, where wall time does not.
# Usage: Tools/bench/generate_bench.sh [ROWS]   (default 4,000,000)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
rows=${1:-4000000}
swift build -c release --product lake --package-path "$root" >&2
lake="$(swift build -c release --show-bin-path --package-path "$root")/lake"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
printf '%-8s %-8s %7s %8s %8s %14s %14s\n' dataset format threads wall_s cpu_s rows/s_wall rows/s_per_cpu
for dataset in sensors events orders; do
  for format in csv jsonl parquet; do
    for threads in 1 2; do
      rm -f "$out/data"
      # Text goes to standard output (here /dev/null); Parquet needs a file.
      target=()
      [ "$format" = parquet ] && target=(--output "$out/data")
      /usr/bin/time -o "$out/time" -f "%e %U %S" "$lake" --threads "$threads" generate "$dataset" --rows "$rows" \
        --format "$format" ${target[@]+"${target[@]}"} > /dev/null 2>/dev/null
      read -r wall user sys < "$out/time"
      awk -v d="$dataset" -v f="$format" -v t="$threads" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rows" \
        'BEGIN { c = u + s; printf "%-8s %-8s %7d %8.2f %8.2f %14.0f %14.0f\n", d, f, t, w, c, r / w, r / c }'
    done
  done
done

#!/usr/bin/env bash
# Whole-process timings, in one run on one machine: the `scale` example (every target) and the
# cdk8s peer app (Kubernetes Deployment + Service only) for each N, and the five team renderers.
#   stacks/benches/whole-process.sh [RUNS] [CDK8S_DIR]     (defaults: 5, ../shared/bench/cdk8s)
#   CASES="100 1000 10000" stacks/benches/whole-process.sh 5 /tmp/cdk8s
# CDK8S_DIR must have had `npm ci`. Each run starts from an empty output directory.
# Prints, per case: median wall s, median user+sys s, median peak RSS MiB, output bytes.
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-5}
CDK8S=${2:-../shared/bench/cdk8s}
CASES=${CASES:-"10 100 1000 10000"}
# Relative: a renderer writes only below the directory it runs from.
OUT=target/whole-process
rm -rf "$OUT" && mkdir -p "$OUT"
trap 'rm -rf "$OUT"' EXIT
cargo build --quiet --release --example scale --example anb --example feature-models \
  --example metabuilder --example neosale --example wisebet
bin=target/release/examples

median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }

# measure NAME DIR COMMAND...: RUNS timed runs (after one warm-up), each into an empty
# directory of its own: DIR-1, DIR-2, ..., in which COMMAND's `{}` is replaced. Nothing is
# deleted until the script ends: ext4 skips inodes freed in the last minute when it allocates
# new ones (`recently_deleted` in fs/ext4/ialloc.c), so creating 20,000 files right after
# deleting 20,000 costs the kernel time in the square of the files, which no first render
# into an empty directory pays.
measure() {
  local name=$1 dir=$2; shift 2
  local log=$OUT/log; : > "$log"
  for i in $(seq 0 "$RUNS"); do
    local command=("${@//\{\}/$dir-$i}")
    /usr/bin/time -f '%e %U %S %M' -o "$OUT/one" "${command[@]}" > /dev/null 2>&1
    [ "$i" -gt 0 ] && cat "$OUT/one" >> "$log"
  done
  printf '%-22s %5s %8s %8s %9s %11s\n' "$name" "$RUNS" \
    "$(awk '{print $1}' "$log" | median)" "$(awk '{printf "%.3f\n", $2+$3}' "$log" | median)" \
    "$(awk '{printf "%.1f\n", $4/1024}' "$log" | median)" "$(du -sb "$dir-$RUNS" | cut -f1)"
}

uptime
printf '%-22s %5s %8s %8s %9s %11s\n' case runs wall_s cpu_s peak_MiB bytes
for n in $CASES; do
  measure "stackwright N=$n" "$OUT/sw-$n" "$bin/scale" --services "$n" --out {}
  measure "cdk8s N=$n" "$OUT/cdk-$n" env SERVICES="$n" node "$CDK8S/synth.js" {}
done
teams() { for s in anb feature-models metabuilder neosale wisebet; do "$bin/$s" --out "$1/$s"; done; }
export -f teams; export bin
measure "five team stacks" "$OUT/teams" bash -c 'teams "$0"' {}
uptime

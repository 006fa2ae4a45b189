#!/usr/bin/env bash
# sweep-bench.sh [PLAN]: runs per second of `pointsim sweep` on a plan
# (default scenarios/sweeps/toy_100x10.toml: 100 cells × 10 replicates of the teaching
# toy), and of the same runs done as separate `pointsim run` processes,
# as many at once as there are cores. Prints both and the overhead ratio.
# Uses target/release/pointsim (builds it if missing) and target/sweep-bench/.
set -euo pipefail
cd "$(dirname "$0")/.."
plan=${1:-scenarios/sweeps/toy_100x10.toml}
[[ -x target/release/pointsim ]] || cargo build --release --quiet
bin=target/release/pointsim
work=target/sweep-bench
rm -rf "$work"
mkdir -p "$work"
cores=$(nproc)
now() { date +%s.%N; }

t0=$(now)
"$bin" sweep "$plan" --out "$work/sweep" --quiet
t1=$(now)
runs=$(($(wc -l < "$work/sweep/runs.csv") - 1))

# the same runs, one process each: cell file and seed from every row of runs.csv
tail -n +2 "$work/sweep/runs.csv" | cut -d, -f1,3 | tr , ' ' > "$work/jobs.txt"
t2=$(now)
xargs -P "$cores" -L 1 sh -c '"$0" run "$1/sweep/cells/$2.toml" --seed "$3" --no-plots --quiet --out "$1/runs/$2-$3"' \
    "$bin" "$work" < "$work/jobs.txt"
t3=$(now)

awk -v runs="$runs" -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" -v cores="$cores" 'BEGIN {
    s = b - a; p = d - c
    printf "runs: %d on %d cores\n", runs, cores
    printf "pointsim sweep:            %6.2f s  %7.1f runs/s\n", s, runs / s
    printf "separate pointsim run (-P %d): %6.2f s  %7.1f runs/s\n", cores, p, runs / p
    printf "separate processes take %.2f times as long\n", p / s
}'

#!/usr/bin/env bash
# sensitivity-bench.sh: runs per second of a Sobol' design of
# `pointsim sensitivity` on the teaching toy (scenarios/sensitivity/toy_rates.toml,
# N = 64: 384 design points × 2 replicates) and on the same plan at 10^5
# subjects (an overlay setting population.size = 100000; N = 8: 48 design
# points × 1 replicate). Uses target/release/pointsim (builds it if missing)
# and target/sensitivity-bench/. The runs/s figure is the one the command
# prints: runs done over the time spent running them (design and analysis excluded).
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -x target/release/pointsim ]] || cargo build --release --quiet
bin=target/release/pointsim
work=target/sensitivity-bench
rm -rf "$work"
mkdir -p "$work"
echo "cores: $(nproc)"
echo "teaching toy (2,000 subjects, 52 weekly steps):"
"$bin" sensitivity scenarios/sensitivity/toy_rates.toml --method sobol --out "$work/toy" --no-plots | tail -2 | head -1
cat > "$work/toy_100k.toml" <<TOML
extends = "$PWD/scenarios/teaching_toy.toml"
[population]
size = 100_000
TOML
sed -e "s|^base = .*|base = \"toy_100k.toml\"|" -e "s|^replicates = .*|replicates = 1|" \
    scenarios/sensitivity/toy_rates.toml > "$work/toy_rates_100k.toml"
echo "teaching toy at 10^5 subjects:"
"$bin" sensitivity "$work/toy_rates_100k.toml" --method sobol -n 8 --out "$work/100k" --no-plots | tail -2 | head -1

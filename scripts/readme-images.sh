#!/usr/bin/env bash
# Regenerate the pictures the README shows, from the Rongcheng reference
# scenario with its own seed. Run from anywhere in the checkout:
#   scripts/readme-images.sh
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cargo run --release --quiet -- run scenarios/rongcheng.toml --out "$out/rongcheng" --quiet
for chart in score_distribution score_over_time; do
    cp "$out/rongcheng/plots/$chart.png" "docs/images/rongcheng_$chart.png"
    echo "wrote docs/images/rongcheng_$chart.png"
done
# the Sobol' chart of the README's "Sensitivity analysis" section
cargo run --release --quiet -- sensitivity scenarios/sensitivity/toy_rates.toml --method sobol -n 512 --out "$out/sensitivity" --quiet
cp "$out/sensitivity/plots/tier_share.AA.png" docs/images/sensitivity_tier_share_AA.png
echo "wrote docs/images/sensitivity_tier_share_AA.png"
# the explore page (README's "pointsim explore" section), from the real-browser check
POINTSIM=target/release/pointsim scripts/explore-browser-check.sh "$out/explore.png" 10000 >/dev/null
cp "$out/explore.png" docs/images/explore.png
cp "$out/explore-time.png" docs/images/explore-time.png
echo "wrote docs/images/explore.png and docs/images/explore-time.png"

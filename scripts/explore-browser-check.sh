#!/usr/bin/env bash
# explore-browser-check.sh [OUT.png] [POPULATION...]: the `pointsim explore` page in a real browser.
#
# Starts `pointsim explore scenarios/teaching_toy.toml --no-open --port 0`,
# loads the page in headless Debian Chromium driven by puppeteer-core (from the
# npm registry, installed into target/explore-browser/, pointed at
# /usr/bin/chromium: no browser is downloaded), moves a control with the
# keyboard, waits for the redraw and checks the tier shares shown against
# `pointsim compare` with the same --set; then times change → redrawn over
# repeated key presses at each POPULATION (default: 10000 100000), printing
# one JSON line each, and writes a 1024×768 screenshot (default
# target/explore.png). A second server, on scenarios/fairness_delayed_impact.toml
# with --lang zh-CN, checks the Chinese page (the served CJK font, the
# four-fifths table) and writes OUT-zh-CN.png. Needs node/npm; root to install Chromium when missing
# (scripts/install-chromium.sh). POINTSIM names the binary (default
# target/release/pointsim, built when missing).
set -euo pipefail
cd "$(dirname "$0")/.."

shot=${1:-target/explore.png}
shift || true
populations=("$@")
[[ ${#populations[@]} -gt 0 ]] || populations=(10000 100000)
scenario=scenarios/teaching_toy.toml
pointsim=${POINTSIM:-target/release/pointsim}
[[ -x "$pointsim" ]] || cargo build --release --quiet
pointsim=$(cd "$(dirname "$pointsim")" && pwd)/$(basename "$pointsim")

chrome=$(scripts/install-chromium.sh)

# puppeteer-core, pinned: 24.x runs on Node 18 and later (25.x needs Node 22)
tools=target/explore-browser
if [[ ! -d "$tools/node_modules/puppeteer-core" ]]; then
  echo "installing puppeteer-core into $tools/ ..." >&2
  mkdir -p "$tools"
  start=$(date +%s)
  npm install --prefix "$tools" --no-audit --no-fund --silent puppeteer-core@24.43.1 >&2
  echo "puppeteer-core installed in $(( $(date +%s) - start )) s" >&2
fi

work=$(mktemp -d)
servers=()
cleanup() {
  # the servers die of the SIGTERM sent here: their status (143) is not the check's
  for pid in "${servers[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
# serve NAME ARGS...: start `pointsim explore ARGS --no-open --port 0`; its address in $work/NAME.url
serve() {
  local name=$1
  shift
  "$pointsim" explore "$@" --no-open --port 0 >"$work/$name.stdout" 2>"$work/$name.stderr" &
  local pid=$!
  servers+=("$pid")
  for _ in $(seq 100); do
    [[ -s "$work/$name.stdout" ]] && break
    kill -0 "$pid" 2>/dev/null || { cat "$work/$name.stderr" >&2; echo "error: pointsim explore stopped" >&2; exit 1; }
    sleep 0.1
  done
  local line
  line=$(head -n 1 "$work/$name.stdout")
  local address=${line#explore: }
  [[ "$address" == http://127.0.0.1:*/ ]] || { echo "error: unexpected first line \`$line\`" >&2; exit 1; }
  echo "$address" >"$work/$name.url"
}
serve en "$scenario"
url=$(cat "$work/en.url")
echo "server: $url" >&2
# the Chinese page, on a scenario with groups (four-fifths ratios to show)
serve zh scenarios/fairness_delayed_impact.toml --lang zh-CN
zh_url=$(cat "$work/zh.url")
echo "server (zh-CN): $zh_url" >&2

mkdir -p "$(dirname "$shot")"
CHROMIUM=$chrome NODE_PATH="$PWD/$tools/node_modules" EXPLORE_ZH_URL=$zh_url \
  node scripts/explore-browser-check.cjs "$url" "$pointsim" "$scenario" "$shot" "${populations[@]}"

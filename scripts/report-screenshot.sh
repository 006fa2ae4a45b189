#!/usr/bin/env bash
# report-screenshot.sh DIR OUT.png: a headless Chromium screenshot of DIR/report.html.
#
# Installs Debian's `chromium` (and a CJK font, `fonts-wqy-zenhei`, so Chinese
# scenario text does not show as boxes) when missing, with install-chromium.sh
# (needs root; on a fresh Debian 12 machine this runs `apt-get update` once). Chromium runs with no
# network access of its own (background networking, component updates, sync
# and QUIC off) and a throwaway profile, so the page must be self-contained.
# Fails when the screenshot is missing or implausibly small.
set -euo pipefail

usage() { echo "usage: $0 DIR OUT.png" >&2; exit 2; }
[[ $# -eq 2 ]] || usage
dir=$1
out=$2
report="$dir/report.html"
[[ -f "$report" ]] || { echo "error: no report at \`$report\`" >&2; exit 1; }

chrome=$("$(dirname "$0")/install-chromium.sh")

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
abs_report=$(cd "$(dirname "$report")" && pwd)/$(basename "$report")
mkdir -p "$(dirname "$out")"
rm -f "$out"

start_ms=$(( $(date +%s%N) / 1000000 ))
# Chromium prints harmless warnings (dbus, GPU) on stderr; keep them out of
# the way unless it fails.
log="$profile/chromium.log"
if ! "$chrome" --headless --no-sandbox --disable-gpu --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync --disable-quic \
    --hide-scrollbars --user-data-dir="$profile" --window-size=1400,3000 \
    --screenshot="$out" "file://$abs_report" >"$log" 2>&1; then
  cat "$log" >&2
  echo "error: chromium failed" >&2
  exit 1
fi
elapsed_ms=$(( $(date +%s%N) / 1000000 - start_ms ))

if [[ ! -f "$out" ]]; then
  cat "$log" >&2
  echo "error: chromium wrote no screenshot at \`$out\`" >&2
  exit 1
fi
size=$(stat -c %s "$out")
if (( size < 20000 )); then
  echo "error: screenshot \`$out\` is only $size bytes; the page probably did not render" >&2
  exit 1
fi
echo "screenshot: $out ($size bytes, taken in $((elapsed_ms / 1000)).$(printf %03d $((elapsed_ms % 1000))) s)"

#!/usr/bin/env bash
# report-screenshot.sh DIR OUT.png: a headless Chromium screenshot of DIR/report.html.
#
# Installs Debian's `chromium` (and a CJK font, `fonts-wqy-zenhei`, so Chinese
# scenario text does not show as boxes) when missing (needs root; on a fresh
# Debian 12 machine this runs `apt-get update` once). Chromium runs with no
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

find_chromium() { command -v chromium || command -v chromium-browser || true; }

# apt-get install, running `apt-get update` first (once) when the package
# lists do not know the package, as on a fresh machine.
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-cache show "$@" >/dev/null 2>&1; then
    apt-get update -q >&2
  fi
  apt-get install -y -q --no-install-recommends "$@" >&2
}

chrome=$(find_chromium)
if [[ -z "$chrome" ]]; then
  if [[ $(id -u) -ne 0 ]]; then
    echo "error: chromium is not installed and installing it needs root" >&2
    echo "hint: run \`sudo apt-get install --no-install-recommends chromium\`, or run this script as root" >&2
    exit 1
  fi
  echo "installing chromium from Debian's packages..." >&2
  start=$(date +%s)
  apt_install chromium
  echo "chromium installed in $(( $(date +%s) - start )) s" >&2
  chrome=$(find_chromium)
  [[ -n "$chrome" ]] || { echo "error: chromium still not found after installing it" >&2; exit 1; }
fi

# Scenario text is often Chinese; without a CJK font it renders as empty boxes.
if ! fc-list :lang=zh 2>/dev/null | grep -q .; then
  if [[ $(id -u) -eq 0 ]]; then
    echo "installing a CJK font (fonts-wqy-zenhei) so Chinese text renders..." >&2
    start=$(date +%s)
    if apt_install fonts-wqy-zenhei; then
      echo "font installed in $(( $(date +%s) - start )) s" >&2
    else
      echo "warning: could not install fonts-wqy-zenhei; Chinese text will show as boxes" >&2
    fi
  else
    echo "warning: no CJK font installed; Chinese text will show as boxes (apt-get install fonts-wqy-zenhei)" >&2
  fi
fi

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

#!/usr/bin/env bash
# install-chromium.sh: print the path of Debian's Chromium, installing it first when missing.
#
# Also installs a CJK font (`fonts-wqy-zenhei`) so Chinese scenario text does
# not show as boxes. Installing needs root; on a fresh Debian 12 machine this
# runs `apt-get update` once. Never downloads a browser build of its own.
# Used by report-screenshot.sh and explore-browser-check.sh.
set -euo pipefail

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

echo "$chrome"

#!/usr/bin/env bash
# Rebuilds src/plot/fonts/NotoSansCJKsc-Regular-GB2312.otf, the CJK fallback
# font the charts embed (src/plot/fonts/README.md says why this font and subset).
# Needs Debian's fonts-noto-cjk (Noto Sans CJK 2.004, OFL) and fontTools from PyPI;
# the output is deterministic for the same inputs, so a re-run changes nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
ttc=/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
[ -f "$ttc" ] || apt-get install -y fonts-noto-cjk
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q fonttools==4.61.1
# every character of GB 2312 (6,763 hanzi and 682 symbols: kana, Greek, Cyrillic, full-width forms)
python3 - "$work/gb2312.txt" <<'PY'
import sys
chars = set()
for hi in range(0xA1, 0xF8):
    for lo in range(0xA1, 0xFF):
        try:
            chars.add(bytes([hi, lo]).decode("gb2312"))
        except UnicodeDecodeError:
            pass
open(sys.argv[1], "w", encoding="utf-8").write("".join(sorted(chars)))
PY
# face 2 of the collection is Noto Sans CJK SC; no layout features or hints
# (plotters draws glyph by glyph, unhinted), plus CJK punctuation and full-width forms
"$work/venv/bin/pyftsubset" "$ttc" --font-number=2 --text-file="$work/gb2312.txt" \
  --unicodes="U+3000-303F,U+FF01-FF5E,U+FF5F-FF65,U+FFE0-FFE6" \
  --layout-features='' --no-hinting --name-IDs='*' --name-languages='*' \
  --output-file=src/plot/fonts/NotoSansCJKsc-Regular-GB2312.otf
ls -l src/plot/fonts/NotoSansCJKsc-Regular-GB2312.otf

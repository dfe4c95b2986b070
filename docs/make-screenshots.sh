#!/usr/bin/env bash
# Makes the screenshots in docs/: the demo report in a browser (docs/report.png) and two terminal runs
# (docs/terminal-evaluate.png, docs/terminal-compare.png).
#
#   docs/make-screenshots.sh
#
# Needs Debian's chromium (apt-get install chromium). The terminal runs are recorded with `script` on a
# pseudo-terminal 120 columns wide, so the CLI behaves as on a real terminal (colours, progress bars), then replayed
# by docs/ansi2html.py into a dark terminal-style HTML page, which chromium screenshots. PNGs are reduced to a
# 256-colour palette when /usr/bin/python3 has Pillow, to keep each under ~400 KB.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
chromium="$(command -v chromium || command -v chromium-browser || true)"
[ -n "$chromium" ] || { echo "chromium not found (apt-get install chromium)" >&2; exit 1; }

dotnet build src/Rankwise.Cli -c Release -m:1 -nologo -v:q >/dev/null
dll="$repo/src/Rankwise.Cli/bin/Release/net10.0/Rankwise.Cli.dll"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

shot() { # shot URL OUT.png WIDTH HEIGHT
  "$chromium" --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
    --disable-sync --no-first-run --hide-scrollbars --user-data-dir="$(mktemp -d -p "$work")" \
    --screenshot="$2" --window-size="$3,$4" "$1" >/dev/null 2>&1
  [ -s "$2" ] || { echo "no screenshot written for $1" >&2; exit 1; }
}

shrink() { # shrink FILE.png: 256-colour palette if that makes it smaller
  if /usr/bin/python3 -c 'import PIL' 2>/dev/null; then
    /usr/bin/python3 - "$1" <<'PY'
import os, sys
from PIL import Image
path = sys.argv[1]
before = os.path.getsize(path)
img = Image.open(path).convert("RGB")
tmp = path + ".tmp.png"
img.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(tmp, optimize=True)
if os.path.getsize(tmp) < before:
    os.replace(tmp, path)
else:
    os.remove(tmp)
PY
  fi
  echo "$1: $(( $(stat -c %s "$1") / 1024 )) KB"
}

# (a) the demo report
dotnet "$dll" demo --quick --out "$work/demo" --quiet >/dev/null
shot "file://$work/demo/report.html" docs/report.png 1280 2400
shrink docs/report.png

# (b) terminal runs
terminal() { # terminal NAME COMMAND (a shell command line; may continue over lines with a trailing backslash)
  local name="$1" cmd="$2"
  printf 'rankwise() { dotnet "%s" "$@"; }\nstty cols 120 rows 50\n%s\n' "$dll" "$cmd" > "$work/$name.sh"
  TERM=xterm-256color script -q -e -c "bash $work/$name.sh" /dev/null > "$work/$name.rec" < /dev/null
  read -r w h < <(python3 docs/ansi2html.py "$work/$name.rec" "$work/$name.html" --cols 120 --title "rankwise — $name" --prompt "$cmd")
  shot "file://$work/$name.html" "docs/terminal-$name.png" "$w" "$h"
  shrink "docs/terminal-$name.png"
}
terminal evaluate 'rankwise evaluate --truth examples/data/memorability_scores.csv:memorability \
  --pred examples/data/memorability_scores.csv:model_a --pred examples/data/memorability_scores.csv:model_b \
  --responses examples/data/memorability_responses.csv --seed 1'
terminal compare 'rankwise compare tests/ReferenceData/similarity/kornblith_demo_X.npy \
  tests/ReferenceData/similarity/kornblith_demo_Y.npy --measures all'


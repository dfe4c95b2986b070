#!/usr/bin/env bash
# Regenerates the command outputs pasted in docs/*.md, so that they stay the real output of the current code.
#
#   docs/make-docs.sh                 # every page
#   docs/make-docs.sh docs/rank.md    # some pages
#
# In a page, an example is a ```sh block followed by the marker line `<!-- output -->` (or `<!-- output exit=N -->`
# for an example that is meant to fail with exit code N) and a ```text block: the script runs the sh block with bash
# from the repository root, `rankwise` being the freshly built CLI (Release), and replaces the text block with what
# it printed (standard output and standard error, as on a terminal; progress bars are off because the output is
# redirected). sh blocks without the marker are not run. Scratch files go to /tmp/rankwise-docs (the examples say so).
# It fails when an example's exit code differs from the expected one. Takes about a minute.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

dotnet build src/Rankwise.Cli -c Release -m:1 -nologo -v:q >/dev/null
export RANKWISE_DLL="$repo/src/Rankwise.Cli/bin/Release/net10.0/Rankwise.Cli.dll"
rm -rf /tmp/rankwise-docs
mkdir -p /tmp/rankwise-docs

if [ $# -eq 0 ]; then set -- docs/*.md; fi

python3 - "$@" <<'PY'
import os, re, subprocess, sys, time

PRELUDE = 'rankwise() { dotnet "$RANKWISE_DLL" "$@"; }\nset -o pipefail\n'
marker = re.compile(r'^<!-- output(?: exit=(\d+))? -->\s*$')
failures = 0
total = time.time()

for path in sys.argv[1:]:
    lines = open(path, encoding='utf-8').read().split('\n')
    out, i, changed, ran = [], 0, False, 0
    while i < len(lines):
        line = lines[i]
        out.append(line)
        i += 1
        if line.strip() != '```sh':
            continue
        # copy the sh block
        block = []
        while i < len(lines) and lines[i].strip() != '```':
            block.append(lines[i]); out.append(lines[i]); i += 1
        if i < len(lines):
            out.append(lines[i]); i += 1
        # blank lines, then the marker?
        j = i
        while j < len(lines) and lines[j].strip() == '':
            j += 1
        m = marker.match(lines[j]) if j < len(lines) else None
        if not m or j + 1 >= len(lines) or lines[j + 1].strip() != '```text':
            continue
        expected = int(m.group(1) or 0)
        out.extend(lines[i:j + 2])
        k = j + 2
        while k < len(lines) and lines[k].strip() != '```':
            k += 1
        script = '\n'.join(block)
        start = time.time()
        proc = subprocess.run(['bash', '-c', PRELUDE + script], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              env=dict(os.environ, TERM='dumb'))
        text = proc.stdout.decode('utf-8', 'replace')
        text = '\n'.join(l.rstrip() for l in text.rstrip('\n').split('\n'))
        ran += 1
        status = 'ok' if proc.returncode == expected else f'FAILED (exit {proc.returncode}, expected {expected})'
        print(f'{path}: {script.splitlines()[0][:90]} ... {time.time() - start:.1f} s {status}', flush=True)
        if proc.returncode != expected:
            failures += 1
            print(text, file=sys.stderr)
        out.extend(text.split('\n'))
        out.append('```')
        changed = True
        i = k + 1
    if changed:
        open(path, 'w', encoding='utf-8').write('\n'.join(out))

print(f'{time.time() - total:.0f} s in all; {failures} failed example(s)')
sys.exit(1 if failures else 0)
PY

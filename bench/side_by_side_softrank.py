#!/usr/bin/env python3
"""Side-by-side CPU timings of soft rank: Rankwise (TorchSharp) vs torchsort vs torch.sort, same machine, one run.

Usage (from the repository root, after `dotnet build -c Release`):
    /usr/bin/python3 bench/side_by_side_softrank.py [repeats] [--threads N]

Needs PyTorch (Debian: `apt-get install python3-torch`). torchsort is optional: it is imported only when it is on
PYTHONPATH, and this repository neither ships nor builds it. To include it, build its CPU extension by hand outside
the repository against the same torch, e.g. clone https://github.com/teddykoker/torchsort into /tmp/torchsort, run
`python3 setup.py build_ext --inplace` there (needs g++ and python3-dev), then
    PYTHONPATH=/tmp/torchsort /usr/bin/python3 bench/side_by_side_softrank.py

Cases (float32, CPU, the shapes of torchsort's README benchmark): soft_rank forward + backward (l2 and kl,
regularization_strength 1) on [256, 100] and [1, 4900], and torch.sort of the same tensor (forward only).
Rankwise's figures come from bench/Rankwise.Bench.Torch (`--json`); both sides use the same number of intra-op
threads. Medians of `repeats` runs after a warm-up. Prints each median and the ratios torchsort / Rankwise
(> 1: Rankwise is faster) and Rankwise / torch.sort. Quote ratios, not absolute times: the machine may be shared.
"""
import json
import os
import subprocess
import sys
import time

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH_DLL = os.path.join(ROOT, "bench", "Rankwise.Bench.Torch", "bin", "Release", "net10.0", "Rankwise.Bench.Torch.dll")
args = [a for a in sys.argv[1:]]
THREADS = 2
if "--threads" in args:
    i = args.index("--threads")
    THREADS = int(args[i + 1])
    del args[i:i + 2]
REPEATS = int(args[0]) if args else 200

try:
    import torchsort
except ImportError:
    torchsort = None
    print("torchsort not importable: timing Rankwise and torch.sort only (see this script's docstring)", file=sys.stderr)

torch.set_num_threads(THREADS)


def median_ms(f):
    for _ in range(min(100, REPEATS)):
        f()
    samples = []
    for _ in range(REPEATS):
        t = time.perf_counter()
        f()
        samples.append((time.perf_counter() - t) * 1e3)
    samples.sort()
    return samples[len(samples) // 2]


def python_side():
    rows = []
    for shape in [(256, 100), (1, 4900)]:
        torch.manual_seed(0)
        x = torch.randn(*shape, dtype=torch.float32)
        grad = torch.randn(*shape, dtype=torch.float32)
        name = f"[{shape[0]}, {shape[1]}]"
        rows.append((name, "torch.sort", median_ms(lambda: torch.sort(x, dim=-1))))
        if torchsort is not None:
            for reg in ["l2", "kl"]:
                def step(reg=reg):
                    xi = x.detach().requires_grad_(True)
                    torchsort.soft_rank(xi, regularization=reg, regularization_strength=1.0).backward(grad)
                rows.append((name, f"torchsort soft_rank {reg} forward + backward", median_ms(step)))
    return rows


def ours():
    out = subprocess.run(["dotnet", BENCH_DLL, str(REPEATS), "--json", "--threads", str(THREADS)],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


theirs = python_side()
mine = ours()
print(f"threads {THREADS} (PyTorch {torch.__version__}, TorchSharp side {mine['threads']}), {REPEATS} repeats, median ms")
print(f"{'shape':<12}{'op':<46}{'ms':>10}")
for shape, op, ms in theirs:
    print(f"{shape:<12}{op:<46}{ms:>10.3f}")
for row in mine["results"]:
    print(f"{row['shape']:<12}{'rankwise ' + row['op']:<46}{row['ms']:>10.3f}")
print()
print("ratios (torchsort / rankwise > 1: rankwise faster; rankwise / torch.sort: cost relative to a plain sort)")
for shape in ["[256, 100]", "[1, 4900]"]:
    sort_ms = next(ms for s, op, ms in theirs if s == shape and op == "torch.sort")
    ts_sort_ms = next(r["ms"] for r in mine["results"] if r["shape"] == shape and r["op"] == "torch.sort")
    for reg in ["l2", "kl"]:
        ours_ms = next(r["ms"] for r in mine["results"] if r["shape"] == shape and r["op"] == f"soft_rank {reg} forward + backward")
        line = f"{shape:<12}{reg}: rankwise/torch.sort(PyTorch) {ours_ms / sort_ms:6.2f}  rankwise/torch.sort(TorchSharp) {ours_ms / ts_sort_ms:6.2f}"
        ts = [ms for s, op, ms in theirs if s == shape and op == f"torchsort soft_rank {reg} forward + backward"]
        if ts:
            line += f"  torchsort/rankwise {ts[0] / ours_ms:6.2f}"
        print(line)

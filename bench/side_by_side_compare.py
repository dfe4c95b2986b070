#!/usr/bin/env python3
"""Side-by-side timings for representation comparison: Rankwise vs numpy/scipy (OpenBLAS), same machine, one run.

Usage (from the repository root, after `dotnet build -c Release`):
    /usr/bin/python3 bench/side_by_side_compare.py [--quick]

Cases
  * linear CKA, n = 50,000, d = 1,024, float32: numpy (feature-space form, float32 BLAS) vs
    Rankwise (`time cka-linear` in bench/Rankwise.Bench: data loaded first, only the call timed);
  * linear assignment on a uniform random 2,000 x 2,000 float64 matrix: scipy.optimize.linear_sum_assignment vs
    Rankwise.Assignment.LinearAssignment (function level);
  * the whole command `rankwise compare A B --measures all` on n = 10,000, d = 512 (wall time, file in, JSON out).
Prints the ratio peer / Rankwise (> 1 means Rankwise is faster). Quote ratios, not absolute times.
"""
import json
import os
import subprocess
import sys
import time

import numpy as np
import scipy
from scipy.optimize import linear_sum_assignment

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "bench", "data")
BENCH_DLL = os.path.join(ROOT, "bench", "Rankwise.Bench", "bin", "Release", "net10.0", "Rankwise.Bench.dll")
CLI_DLL = os.path.join(ROOT, "src", "Rankwise.Cli", "bin", "Release", "net10.0", "Rankwise.Cli.dll")
QUICK = "--quick" in sys.argv
REPEAT = 1 if QUICK else 3


def cached(name, make):
    path = os.path.join(DATA, name + ".npy")
    if not os.path.exists(path):
        np.save(path, make())
    return path


def best(f, repeat=REPEAT):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def ours(op, *paths):
    out = subprocess.run(["dotnet", BENCH_DLL, "time", op, *paths, "--repeat", str(REPEAT)],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def linear_cka_numpy(x, y):
    x = x - x.mean(axis=0, dtype=np.float64).astype(x.dtype)
    y = y - y.mean(axis=0, dtype=np.float64).astype(y.dtype)
    xty = x.T @ y
    return float(np.sum(xty.astype(np.float64) ** 2) /
                 (np.linalg.norm((x.T @ x).astype(np.float64)) * np.linalg.norm((y.T @ y).astype(np.float64))))


def main():
    os.makedirs(DATA, exist_ok=True)
    rng = np.random.default_rng(0)
    n_cka = 10_000 if QUICK else 50_000
    xa = cached(f"cka_x_{n_cka}", lambda: rng.standard_normal((n_cka, 1024), dtype=np.float32))
    xb = cached(f"cka_y_{n_cka}", lambda: (np.load(xa) @ rng.standard_normal((1024, 1024), dtype=np.float32) / 32
                                           + rng.standard_normal((n_cka, 1024), dtype=np.float32)).astype(np.float32))
    cost = cached("assign_2000", lambda: rng.random((2000, 2000)))
    n_cmp = 2_000 if QUICK else 10_000
    ca = cached(f"cmp_a_{n_cmp}", lambda: rng.standard_normal((n_cmp, 512), dtype=np.float32))
    cb = cached(f"cmp_b_{n_cmp}", lambda: (np.load(ca)[:, ::-1] + rng.standard_normal((n_cmp, 512), dtype=np.float32)).astype(np.float32))

    rows = []

    def add(label, peer, peer_s, ours_s):
        rows.append((label, peer, peer_s, ours_s, peer_s / ours_s))
        print(f"  {label}: {peer} {peer_s:.3f}s, rankwise {ours_s:.3f}s, ratio {peer_s / ours_s:.2f}x", flush=True)

    print(f"numpy {np.__version__}, scipy {scipy.__version__}; repeat={REPEAT}", flush=True)
    X, Y = np.load(xa), np.load(xb)
    ref = linear_cka_numpy(X, Y)
    r = ours("cka-linear", xa, xb)
    print(f"  linear CKA: numpy {ref:.7f}, rankwise {r['value']:.7f}")
    add(f"linear CKA n={n_cka}, d=1024 float32", "numpy", best(lambda: linear_cka_numpy(X, Y)), r["seconds"])
    C = np.load(cost)
    add("assignment 2000x2000 float64", "scipy", best(lambda: linear_sum_assignment(C)), ours("assign", cost)["seconds"])

    t = time.perf_counter()
    subprocess.run(["dotnet", CLI_DLL, "compare", ca, cb, "--measures", "all", "--format", "json"], check=True, capture_output=True)
    whole = time.perf_counter() - t
    rows.append((f"compare --measures all n={n_cmp}, d=512 (whole command)", "-", float("nan"), whole, float("nan")))
    print(f"  compare --measures all n={n_cmp}, d=512: {whole:.1f}s (target < 30 s)")

    print()
    print("| case | peer | peer (s) | Rankwise (s) | ratio |")
    print("| --- | --- | --- | --- | --- |")
    for label, peer, p, o, ratio in rows:
        ps = "-" if p != p else f"{p:.3f}"
        rs = "-" if ratio != ratio else f"{ratio:.2f}x"
        print(f"| {label} | {peer} | {ps} | {o:.3f} | {rs} |")


if __name__ == "__main__":
    main()

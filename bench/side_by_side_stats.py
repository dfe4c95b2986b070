#!/usr/bin/env python3
"""Side-by-side timings: Rankwise vs scipy 1.10 (OpenBLAS) on the same data, same machine, one run.

Usage (from the repository root, after `dotnet build -c Release`):
    /usr/bin/python3 bench/side_by_side_stats.py [--quick]

Generates the data once under bench/data/ (not committed), then times
  * function level: scipy.stats.{spearmanr,kendalltau,rankdata} vs Rankwise's library calls
    (bench/Rankwise.Bench `time` mode: loads the .npy files, then times only the call; best of R runs);
  * command level: a python process that loads .npy, computes and prints JSON vs `rankwise correlate ... --format json`
    (whole process wall time, file in, JSON out), and rankdata to a .npy file vs `rankwise rank X --out ranks.npy`.
Prints one table with the ratio scipy / Rankwise (> 1 means Rankwise is faster). Quote ratios, not absolute times.
"""
import json
import os
import subprocess
import sys
import time

import numpy as np
import scipy
import scipy.stats as st

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "bench", "data")
BENCH_DLL = os.path.join(ROOT, "bench", "Rankwise.Bench", "bin", "Release", "net10.0", "Rankwise.Bench.dll")
CLI_DLL = os.path.join(ROOT, "src", "Rankwise.Cli", "bin", "Release", "net10.0", "Rankwise.Cli.dll")
QUICK = "--quick" in sys.argv
REPEAT = 1 if QUICK else 3


def data(name, n, rounded=False, seed=0):
    path = os.path.join(DATA, f"{name}.npy")
    if not os.path.exists(path):
        rng = np.random.default_rng(seed)
        a = rng.standard_normal(n)
        if rounded:
            a = np.round(a, 2)
        np.save(path, a)
    return path


def best(f, repeat=REPEAT):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def ours_function(op, *paths):
    out = subprocess.run(["dotnet", BENCH_DLL, "time", op, *paths, "--repeat", str(REPEAT)],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)["seconds"]


def wall(cmd):
    def run():
        subprocess.run(cmd, check=True, capture_output=True)
    return best(run)


def main():
    os.makedirs(DATA, exist_ok=True)
    n_sp = 10**6 if QUICK else 10**7
    n_kt = 10**5 if QUICK else 10**6
    xs = data(f"x_{n_sp}", n_sp, seed=1)
    ys = data(f"y_{n_sp}", n_sp, seed=2)
    xr = data(f"xr_{n_sp}", n_sp, rounded=True, seed=1)
    yr = data(f"yr_{n_sp}", n_sp, rounded=True, seed=2)
    xk = data(f"x_{n_kt}", n_kt, seed=3)
    yk = data(f"y_{n_kt}", n_kt, seed=4)
    load = np.load
    X, Y, XR, YR, XK, YK = map(load, (xs, ys, xr, yr, xk, yk))

    rows = []

    def add(label, scipy_s, ours_s):
        rows.append((label, scipy_s, ours_s, scipy_s / ours_s))
        print(f"  {label}: scipy {scipy_s:.3f}s, rankwise {ours_s:.3f}s, ratio {scipy_s / ours_s:.1f}x", flush=True)

    print(f"scipy {scipy.__version__}, numpy {np.__version__}; repeat={REPEAT}", flush=True)
    add(f"spearman n={n_sp:.0e} no ties", best(lambda: st.spearmanr(X, Y)), ours_function("spearman", xs, ys))
    add(f"spearman n={n_sp:.0e} 2-decimal ties", best(lambda: st.spearmanr(XR, YR)), ours_function("spearman", xr, yr))
    add(f"kendall tau-b n={n_kt:.0e}", best(lambda: st.kendalltau(XK, YK)), ours_function("kendall", xk, yk))
    add(f"rankdata n={n_sp:.0e}", best(lambda: st.rankdata(X)), ours_function("rank", xs))

    py_cmd = lambda method, a, b: [sys.executable, "-c",
        "import sys, json, numpy as np, scipy.stats as st;"
        f"x=np.load(sys.argv[1]); y=np.load(sys.argv[2]); r=st.{method}(x,y);"
        "print(json.dumps({'statistic': float(r[0]), 'pvalue': float(r[1])}))", a, b]
    rw_cmd = lambda method, a, b: ["dotnet", CLI_DLL, "correlate", a, b, "--method", method, "--format", "json"]
    add(f"command spearman n={n_sp:.0e}", wall(py_cmd("spearmanr", xs, ys)), wall(rw_cmd("spearman", xs, ys)))
    add(f"command spearman n={n_sp:.0e} 2-decimal ties", wall(py_cmd("spearmanr", xr, yr)), wall(rw_cmd("spearman", xr, yr)))
    add(f"command kendall n={n_kt:.0e}", wall(py_cmd("kendalltau", xk, yk)), wall(rw_cmd("kendall", xk, yk)))
    ranks_py = os.path.join(DATA, "ranks_scipy.npy")
    ranks_rw = os.path.join(DATA, "ranks_rankwise.npy")
    py_rank = [sys.executable, "-c",
               "import sys, numpy as np, scipy.stats as st; np.save(sys.argv[2], st.rankdata(np.load(sys.argv[1])))", xs, ranks_py]
    rw_rank = ["dotnet", CLI_DLL, "rank", xs, "--out", ranks_rw]
    add(f"command rankdata n={n_sp:.0e} (.npy in, .npy out)", wall(py_rank), wall(rw_rank))
    assert np.array_equal(np.load(ranks_py), np.load(ranks_rw)), "rank files differ"

    print()
    print("| case | scipy (s) | Rankwise (s) | ratio |")
    print("| --- | --- | --- | --- |")
    for label, s, o, r in rows:
        print(f"| {label} | {s:.3f} | {o:.3f} | {r:.1f}x |")


if __name__ == "__main__":
    main()

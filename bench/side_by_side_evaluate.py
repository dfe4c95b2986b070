#!/usr/bin/env python3
"""Side by side: `rankwise evaluate` (9,999 bootstrap resamples, 10^5 items, 2 models) vs scipy.stats.bootstrap.

Usage (from the repository root, after `dotnet build -c Release src/Rankwise.Cli`):
    /usr/bin/python3 bench/side_by_side_evaluate.py [--items 100000] [--resamples 9999] [--scipy-resamples 199]

Generates the data once under bench/data/ (gitignored): a truth vector and two models' predictions (float64 .npy).

Rankwise: the whole `rankwise evaluate` process (read the files, then for both models Spearman, Kendall tau-b, Pearson,
MSE and MAE, each with a 9,999-resample percentile bootstrap interval over items, the paired differences, the
Williams/Steiger/Hittner/Zou tests, JSON out), timed twice: with Kendall's interval and with --no-kendall-ci.

scipy: scipy.stats.bootstrap((truth, model_a), spearman, paired=True, vectorized=False, method='percentile') — one
statistic (Spearman's rho) of one model, percentile interval (as Rankwise's default; BCa would add a 10^5-point
jackknife). scipy needs about as long per resample whatever the count, so it is run with --scipy-resamples (default
199) and its time extrapolated linearly to --resamples; the printout says so. The ratio compares scipy's one statistic
with Rankwise's ten (2 models x 5 metrics), so it understates Rankwise's advantage.
"""
import argparse
import json
import os
import resource
import subprocess
import time

import numpy as np
import scipy
import scipy.stats as st

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "bench", "data")
CLI_DLL = os.path.join(ROOT, "src", "Rankwise.Cli", "bin", "Release", "net10.0", "Rankwise.Cli.dll")


def data(items):
    os.makedirs(DATA, exist_ok=True)
    paths = {name: os.path.join(DATA, f"evaluate_{name}_{items}.npy") for name in ("truth", "a", "b")}
    if not all(os.path.exists(p) for p in paths.values()):
        rng = np.random.default_rng(2021)
        truth = rng.beta(5, 3, items)
        np.save(paths["truth"], truth)
        np.save(paths["a"], truth + rng.normal(0, 0.08, items))
        np.save(paths["b"], 0.5 * truth + 0.2 + rng.normal(0, 0.05, items))
    return paths


def rankwise(paths, resamples, extra):
    cmd = ["dotnet", CLI_DLL, "evaluate", "--truth", paths["truth"], "--pred", "a=" + paths["a"], "--pred", "b=" + paths["b"],
           "--resamples", str(resamples), "--seed", "1", "--format", "json", *extra]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    seconds = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return seconds, cpu, json.loads(out)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--resamples", type=int, default=9999)
    parser.add_argument("--scipy-resamples", type=int, default=199)
    args = parser.parse_args()
    if not os.path.exists(CLI_DLL):
        raise SystemExit(f"{CLI_DLL} not found: run `dotnet build -c Release src/Rankwise.Cli` first")
    paths = data(args.items)
    truth, a = np.load(paths["truth"]), np.load(paths["a"])

    full, full_cpu, report = rankwise(paths, args.resamples, [])
    no_kendall, no_kendall_cpu, _ = rankwise(paths, args.resamples, ["--no-kendall-ci"])
    ours_ci = report["models"][0]["spearman"]["ci"]

    def spearman(x, y):
        return st.spearmanr(x, y).correlation

    cpu0 = time.process_time()
    t = time.perf_counter()
    res = st.bootstrap((truth, a), spearman, paired=True, vectorized=False, n_resamples=args.scipy_resamples,
                       method="percentile", random_state=1)
    scipy_measured = time.perf_counter() - t
    scipy_cpu = time.process_time() - cpu0
    scale = args.resamples / args.scipy_resamples
    scipy_full, scipy_full_cpu = scipy_measured * scale, scipy_cpu * scale

    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end; numpy {np.__version__}, scipy {scipy.__version__}")
    print(f"data: {args.items} items, 2 models; {args.resamples} bootstrap resamples, percentile intervals")
    print("                                                              wall (s)   CPU (s)")
    print(f"rankwise evaluate, 2 models x 5 metrics incl. Kendall CI    {full:9.2f} {full_cpu:9.2f}")
    print(f"rankwise evaluate --no-kendall-ci                            {no_kendall:9.2f} {no_kendall_cpu:9.2f}")
    print(f"scipy.stats.bootstrap, Spearman of 1 model, {args.scipy_resamples:5d} resamples {scipy_measured:9.2f} {scipy_cpu:9.2f}")
    print(f"scipy extrapolated linearly to {args.resamples} resamples            {scipy_full:9.2f} {scipy_full_cpu:9.2f}")
    print(f"ratio scipy (1 statistic, extrapolated) / rankwise (10 statistics): wall {scipy_full / full:.1f}x, CPU {scipy_full_cpu / full_cpu:.1f}x; "
          f"without Kendall CI: wall {scipy_full / no_kendall:.1f}x, CPU {scipy_full_cpu / no_kendall_cpu:.1f}x")
    print(f"Spearman 95% CI of model a: rankwise [{ours_ci['low']:.5f}, {ours_ci['high']:.5f}], "
          f"scipy ({args.scipy_resamples} resamples) [{res.confidence_interval.low:.5f}, {res.confidence_interval.high:.5f}]")


if __name__ == "__main__":
    main()

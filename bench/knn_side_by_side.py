#!/usr/bin/env python3
"""Side-by-side timings of exact k-NN self-queries: Rankwise vs sklearn 1.2 brute force vs FAISS IndexFlatIP.

Usage (from the repository root, after `dotnet build -c Release bench/Rankwise.Bench`):
    /usr/bin/python3 bench/knn_side_by_side.py [--n 20000] [--d 300] [--k 10] [--repeat 3] [--metric cosine]

Generates the data once under bench/data/ (float32 standard normal, not committed), then times on the same machine:
  * sklearn NearestNeighbors(algorithm='brute', metric=METRIC).fit(X).kneighbors(n_neighbors=k): self-query, own index
    excluded (as Rankwise's default);
  * FAISS IndexFlatIP on L2-normalised copies (cosine only; skipped when the faiss module is missing — on Debian
    `apt-get install -y python3-faiss`): normalise + add + search(k + 1), self not removed;
  * Rankwise ExactKnn.SelfQuery through `Rankwise.Bench.dll time knn FILE --k K --metric METRIC` (data loaded into a
    float32 tensor before timing; best of R runs), and `time knn-matmul FILE`, the plain float32 product X·Xᵀ of the
    same shape in TorchSharp, as a throughput yardstick.
Effective GFLOP/s count 2·n²·d flops (the full product) for every method. Wall and process CPU times (all threads)
are both reported: on a shared machine the CPU-time ratio is the steadier one. Quote ratios, not absolute times; set
RANKWISE_BENCH_DLL to time another build of the bench tool.
"""
import argparse
import json
import os
import subprocess
import time

import numpy as np
import sklearn
from sklearn.neighbors import NearestNeighbors

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "bench", "data")
BENCH_DLL = os.environ.get("RANKWISE_BENCH_DLL",
                           os.path.join(ROOT, "bench", "Rankwise.Bench", "bin", "Release", "net10.0", "Rankwise.Bench.dll"))


def best(f, repeat):
    """Best wall time and best process CPU time (all threads) over `repeat` runs, and the last result."""
    times, cpus = [], []
    result = None
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        result = f()
        times.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    return min(times), min(cpus), result


def ours(op, path, repeat, *extra):
    out = subprocess.run(["dotnet", BENCH_DLL, "time", op, path, "--repeat", str(repeat), *extra],
                         check=True, capture_output=True, text=True).stdout
    r = json.loads(out)
    return r["seconds"], r.get("cpu_seconds", float("nan"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--d", type=int, default=300)
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--metric", default="cosine", choices=["cosine", "euclidean"])
    args = ap.parse_args()
    n, d, k, repeat = args.n, args.d, args.k, args.repeat

    os.makedirs(DATA, exist_ok=True)
    path = os.path.join(DATA, f"knn_{n}x{d}_f32.npy")
    if not os.path.exists(path):
        np.save(path, np.random.default_rng(0).standard_normal((n, d)).astype(np.float32))
    x = np.load(path)
    flops = 2.0 * n * n * d
    print(f"data {path}: {x.shape} {x.dtype}; sklearn {sklearn.__version__}; metric {args.metric}, k = {k}; "
          f"best of {repeat}", flush=True)

    rows = []

    def add(label, seconds, cpu):
        rows.append((label, seconds, cpu))
        print(f"  {label}: {seconds:.3f} s wall, {cpu:.3f} s CPU ({flops / seconds / 1e9:.1f} effective GFLOP/s); "
              f"load average {os.getloadavg()[0]:.1f}", flush=True)

    nn = NearestNeighbors(n_neighbors=k, algorithm="brute", metric=args.metric).fit(x)
    sk_s, sk_cpu, _ = best(lambda: nn.kneighbors(n_neighbors=k), repeat)
    add("sklearn brute", sk_s, sk_cpu)

    faiss_s = None
    if args.metric == "cosine":
        try:
            import faiss

            def run_faiss():
                xn = x.copy()
                faiss.normalize_L2(xn)
                index = faiss.IndexFlatIP(d)
                index.add(xn)
                return index.search(xn, k + 1)

            faiss_s, faiss_cpu, _ = best(run_faiss, repeat)
            add(f"faiss {faiss.__version__} IndexFlatIP", faiss_s, faiss_cpu)
        except ImportError:
            print("  faiss: not installed, skipped (apt-get install -y python3-faiss)", flush=True)

    our_s, our_cpu = ours("knn", path, repeat, "--k", str(k), "--metric", args.metric)
    add("rankwise ExactKnn", our_s, our_cpu)
    mm_s, mm_cpu = ours("knn-matmul", path, repeat)
    add("torchsharp float32 X·Xᵀ", mm_s, mm_cpu)

    print()
    print("| method | wall s | CPU s | effective GFLOP/s (wall) | wall / rankwise | CPU / rankwise |")
    print("| --- | --- | --- | --- | --- | --- |")
    for label, s, c in rows:
        print(f"| {label} | {s:.3f} | {c:.3f} | {flops / s / 1e9:.1f} | {s / our_s:.2f}x | {c / our_cpu:.2f}x |")
    print()
    print(f"sklearn / rankwise = {sk_s / our_s:.2f}x wall, {sk_cpu / our_cpu:.2f}x CPU"
          + (f"; faiss / rankwise = {faiss_s / our_s:.2f}x wall" if faiss_s else "")
          + f"; rankwise k-NN runs at {mm_s / our_s * 100:.0f}% of the plain matmul's effective rate (wall)")


if __name__ == "__main__":
    main()

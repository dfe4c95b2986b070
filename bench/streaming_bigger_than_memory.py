#!/usr/bin/python3
# Bigger-than-memory runs of `rankwise compare` (streamed exact linear CKA) and `rankwise neighbors` (streamed exact
# k-NN) under a hard memory cap, with wall time and peak memory.
#
#   dotnet build -c Release src/Rankwise.Cli
#   /usr/bin/python3 bench/streaming_bigger_than_memory.py [--quick] [--dir /work/bench-stream] [--keep]
#
# The cap is a memory cgroup made for the run (a child of this process's own cgroup: v1 memory.limit_in_bytes or v2
# memory.max, so page cache read by the run counts against it too); if no cgroup can be made the runs go uncapped and
# the script says so. `ulimit -v`/`prlimit --as` is not used: it caps address space, which the .NET GC reserves in
# bulk, not memory. The input files' pages are dropped from the page cache before each run (posix_fadvise DONTNEED),
# so the run reads them from disk under the cap.
#
# CKA: A [n, 768] and B [n, 256] float32 (B = 0.8·A[:, :256] + 0.6·noise); the reference is a chunked float64 numpy
# computation of the same two-pass formulas (column means, then centred cross-products). k-NN: V [m, dv] float32 and Z
# [m, 128]; the reference is the same command without a cap or budget (in memory), whose JSON must be identical.
# Data files (several GB) are written under --dir and deleted at the end unless --keep.
import argparse
import json
import os
import shutil
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLI = os.path.join(ROOT, "src/Rankwise.Cli/bin/Release/net10.0/Rankwise.Cli")


def write_npy(path, rows, cols, fill, chunk=100_000):
    """Writes a float32 .npy of shape [rows, cols] chunk by chunk (bounded memory)."""
    out = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(rows, cols))
    for r0 in range(0, rows, chunk):
        r1 = min(rows, r0 + chunk)
        out[r0:r1] = fill(r0, r1)
    out.flush()
    del out


def drop_cache(*paths):
    for p in paths:
        fd = os.open(p, os.O_RDONLY)
        try:
            os.fsync(fd)
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)


class Cgroup:
    """A child memory cgroup of this process's own, or None if none can be made."""

    def __init__(self, limit_bytes):
        self.path = None
        self.v2 = False
        lines = open("/proc/self/cgroup").read().splitlines()
        v1 = [l.split(":", 2)[2] for l in lines if l.split(":", 2)[1] == "memory"]
        candidates = []
        if v1:
            candidates.append(("/sys/fs/cgroup/memory" + v1[0], False))
        v2 = [l.split(":", 2)[2] for l in lines if l.startswith("0::")]
        if v2:
            candidates.append(("/sys/fs/cgroup" + v2[0], True))
        for base, is_v2 in candidates:
            path = os.path.join(base, f"rankwise-bench-{os.getpid()}")
            try:
                os.mkdir(path)
                limit_file = "memory.max" if is_v2 else "memory.limit_in_bytes"
                with open(os.path.join(path, limit_file), "w") as f:
                    f.write(str(limit_bytes))
                self.path, self.v2 = path, is_v2
                return
            except OSError:
                try:
                    os.rmdir(path)
                except OSError:
                    pass

    def enter(self):
        with open(os.path.join(self.path, "cgroup.procs"), "w") as f:
            f.write(str(os.getpid()))

    def peak(self):
        name = "memory.peak" if self.v2 else "memory.max_usage_in_bytes"
        try:
            return int(open(os.path.join(self.path, name)).read())
        except OSError:
            return None

    def failcnt(self):
        try:
            if self.v2:
                events = dict(l.split() for l in open(os.path.join(self.path, "memory.events")))
                return int(events.get("max", 0)), int(events.get("oom_kill", 0))
            return int(open(os.path.join(self.path, "memory.failcnt")).read()), None
        except OSError:
            return None, None

    def remove(self):
        if self.path:
            os.rmdir(self.path)


def run(args, cap_bytes):
    """Runs the CLI under /usr/bin/time -v inside a fresh capped cgroup; returns (json, wall s, max RSS bytes, cgroup info)."""
    cg = Cgroup(cap_bytes) if cap_bytes else None
    capped = cg is not None and cg.path is not None
    cmd = ["/usr/bin/time", "-v", CLI, *args, "--format", "json", "--quiet"]
    t0 = time.time()
    proc = subprocess.run(cmd, capture_output=True, text=True, preexec_fn=cg.enter if capped else None)
    wall = time.time() - t0
    rss = None
    for line in proc.stderr.splitlines():
        if "Maximum resident set size" in line:
            rss = int(line.split(":")[1]) * 1024
    info = {"capped": capped, "cap_bytes": cap_bytes if capped else None}
    if capped:
        info["cgroup_peak_bytes"] = cg.peak()
        info["cgroup_failcnt"], info["oom_kills"] = cg.failcnt()
        cg.remove()
    if proc.returncode != 0:
        sys.exit(f"rankwise failed ({proc.returncode}): {' '.join(args)}\n{proc.stderr}")
    return json.loads(proc.stdout), wall, rss, info


def cka_reference(pa, pb, chunk=50_000):
    """Two-pass float64 linear CKA (biased and debiased) of two .npy files, chunked (numpy, OpenBLAS)."""
    a = np.load(pa, mmap_mode="r")
    b = np.load(pb, mmap_mode="r")
    n = a.shape[0]
    ma = np.zeros(a.shape[1]); mb = np.zeros(b.shape[1])
    for r0 in range(0, n, chunk):
        ma += a[r0:r0 + chunk].astype(np.float64).sum(0)
        mb += b[r0:r0 + chunk].astype(np.float64).sum(0)
    ma /= n; mb /= n
    xx = np.zeros((a.shape[1],) * 2); yy = np.zeros((b.shape[1],) * 2); xy = np.zeros((a.shape[1], b.shape[1]))
    sab = saa = sbb = 0.0
    for r0 in range(0, n, chunk):
        x = a[r0:r0 + chunk].astype(np.float64) - ma
        y = b[r0:r0 + chunk].astype(np.float64) - mb
        xx += x.T @ x; yy += y.T @ y; xy += x.T @ y
        ka = np.einsum("ij,ij->i", x, x); kb = np.einsum("ij,ij->i", y, y)
        sab += ka @ kb; saa += ka @ ka; sbb += kb @ kb
    cross_xy, cross_xx, cross_yy = (xy ** 2).sum(), (xx ** 2).sum(), (yy ** 2).sum()
    linear = cross_xy / (np.sqrt(cross_xx) * np.sqrt(cross_yy))
    tx, ty = np.trace(xx), np.trace(yy)
    f, g = n / (n - 2), 1 / ((n - 1) * (n - 2))
    hxy = cross_xy - sab * f + tx * ty * g
    hxx = cross_xx - saa * f + tx * tx * g
    hyy = cross_yy - sbb * f + ty * ty * g
    return linear, hxy / np.sqrt(hxx * hyy)


def gb(x):
    return "—" if x is None else f"{x / 2**30:.2f} GB"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", default="/work/bench-stream")
    ap.add_argument("--quick", action="store_true", help="small files and caps, to check the script")
    ap.add_argument("--keep", action="store_true", help="keep the data files")
    ap.add_argument("--skip-knn", action="store_true")
    ap.add_argument("--skip-cka", action="store_true")
    ap.add_argument("--knn-dim", type=int, help="width of V (default 8192; 2048 with --quick)")
    ap.add_argument("--knn-cap-mb", type=int, help="cgroup cap of the k-NN run in MiB (default 512)")
    ap.add_argument("--knn-budget", help="--max-memory of the k-NN run (default 256MB)")
    opts = ap.parse_args()
    os.makedirs(opts.dir, exist_ok=True)
    if opts.quick:
        n_cka, cap_cka, budget_cka = 200_000, 320 << 20, "96MB"
        m_knn, d_knn, cap_knn, budget_knn = 4096, 2048, 320 << 20, "96MB"
    else:
        n_cka, cap_cka, budget_cka = 2_000_000, 2 << 30, "1GB"
        m_knn, d_knn, cap_knn, budget_knn = 32_768, 8192, 512 << 20, "256MB"
    d_knn = opts.knn_dim or d_knn
    cap_knn = (opts.knn_cap_mb << 20) if opts.knn_cap_mb else cap_knn
    budget_knn = opts.knn_budget or budget_knn
    rows = []
    with open("/proc/loadavg") as f:
        load0 = f.read().split()[:3]
    try:
        if not opts.skip_cka:
            pa, pb = os.path.join(opts.dir, "A.npy"), os.path.join(opts.dir, "B.npy")
            rng = np.random.default_rng(1)
            t0 = time.time()
            write_npy(pa, n_cka, 768, lambda r0, r1: rng.standard_normal((r1 - r0, 768), dtype=np.float32))
            a = np.load(pa, mmap_mode="r")
            write_npy(pb, n_cka, 256, lambda r0, r1: (0.8 * a[r0:r1, :256] + 0.6 * rng.standard_normal((r1 - r0, 256), dtype=np.float32)).astype(np.float32))
            del a
            size = os.path.getsize(pa) + os.path.getsize(pb)
            print(f"CKA data: A [{n_cka}, 768] + B [{n_cka}, 256] float32 = {gb(size)} written in {time.time() - t0:.0f} s", flush=True)
            drop_cache(pa, pb)
            out, wall, rss, info = run(["compare", pa, pb, "--measures", "cka-linear,cka-debiased", "--max-memory", budget_cka], cap_cka)
            t0 = time.time()
            ref = cka_reference(pa, pb)
            ref_wall = time.time() - t0
            got = out["measures"]
            rows.append(("compare cka-linear,cka-debiased", f"{gb(size)} (2 files)", gb(info['cap_bytes']), budget_cka, out["streaming"],
                         wall, rss, info, f"linear {got['cka-linear']:.15f} (numpy {ref[0]:.15f}, rel {abs(got['cka-linear'] - ref[0]) / ref[0]:.1e}); "
                         f"debiased {got['cka-debiased']:.15f} (numpy {ref[1]:.15f}, rel {abs(got['cka-debiased'] - ref[1]) / ref[1]:.1e}); numpy chunked reference {ref_wall:.0f} s"))
            os.remove(pa); os.remove(pb)

        if not opts.skip_knn:
            pv, pz = os.path.join(opts.dir, "V.npy"), os.path.join(opts.dir, "Z.npy")
            rng = np.random.default_rng(2)
            # Clustered data so neighbourhoods are meaningful: 256 centres plus noise; Z is a noisy projection of V.
            centres = rng.standard_normal((256, d_knn), dtype=np.float32)
            labels = rng.integers(0, 256, m_knn)
            write_npy(pv, m_knn, d_knn, lambda r0, r1: centres[labels[r0:r1]] + 0.8 * rng.standard_normal((r1 - r0, d_knn), dtype=np.float32), chunk=4096)
            proj = (rng.standard_normal((d_knn, 128)) / np.sqrt(d_knn)).astype(np.float32)
            v = np.load(pv, mmap_mode="r")
            write_npy(pz, m_knn, 128, lambda r0, r1: v[r0:r1] @ proj + 0.3 * rng.standard_normal((r1 - r0, 128), dtype=np.float32), chunk=4096)
            del v
            size = os.path.getsize(pv) + os.path.getsize(pz)
            print(f"k-NN data: V [{m_knn}, {d_knn}] + Z [{m_knn}, 128] float32 = {gb(size)}", flush=True)
            args = ["neighbors", pv, pz, "--k", "10", "--metric", "cosine"]
            drop_cache(pv, pz)
            out, wall, rss, info = run([*args, "--max-memory", budget_knn], cap_knn)
            mem_out, mem_wall, mem_rss, _ = run(args, None)
            same = out["results"] == mem_out["results"]
            rows.append(("neighbors k=10 cosine", f"{gb(size)} (2 files)", gb(info['cap_bytes']), budget_knn, out["streaming"], wall, rss, info,
                         f"mNNO {out['results'][0]['mnno']} — in memory (uncapped): {mem_out['results'][0]['mnno']}, "
                         f"{'identical' if same else 'DIFFERENT'} JSON results, {mem_wall:.0f} s, peak RSS {gb(mem_rss)}"))
            os.remove(pv); os.remove(pz)
    finally:
        if not opts.keep:
            shutil.rmtree(opts.dir, ignore_errors=True)
    with open("/proc/loadavg") as f:
        load1 = f.read().split()[:3]
    print()
    print("| run | input | cap | --max-memory | blocks × rows | wall (s) | peak RSS | cgroup peak | check |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, size, cap, budget, s, wall, rss, info, check in rows:
        print(f"| {name} | {size} | {cap} | {budget} | {s['blocks']} × {s['block_rows']} | {wall:.0f} | {gb(rss)} | "
              f"{gb(info.get('cgroup_peak_bytes'))} (failcnt {info.get('cgroup_failcnt')}) | {check} |")
    print(f"\nload average {' '.join(load0)} at the start, {' '.join(load1)} at the end")


if __name__ == "__main__":
    main()

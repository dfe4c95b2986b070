#!/usr/bin/python3
"""Stress run for issue #9 (reliability): hostile files for every reader, numerical edge cases, determinism,
interruption (SIGINT), kill -9 + resume of `sorter train`, and Spearman + Kendall on 10^8 float32 pairs.

Usage (from the repository root; builds the Release CLI first unless --cli is given):
    /usr/bin/python3 bench/stress.py                 # everything (the 10^8 part takes a few minutes)
    /usr/bin/python3 bench/stress.py --skip-big      # everything but the 10^8 pairs
    /usr/bin/python3 bench/stress.py --only npy,npz  # some groups
    /usr/bin/python3 bench/stress.py --fuzz-iter 5000  # also run the CsCheck CLI fuzz tests longer (dotnet test)

Python only writes the input files (numpy, struct, zipfile) and runs `rankwise` as a child process; every check is
on the CLI's exit code, stderr, output files, JSON and timing. No reference number is computed here: the numerical
cases check invariances (offsets, float32 vs float64, policies) or read the scipy/exact reference committed in
tests/ReferenceData/edgecases/edge_reference.json. Prints one table: case group | tried | passed.

A hostile input passes when the command exits 0 (and wrote its --output) or exits 3 with exactly one line on stderr
naming the file, leaves no output file behind, finishes within its time limit, and (for header lies and bombs)
stays within a peak-RSS bound measured with /usr/bin/time.
"""
import argparse
import json
import math
import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import warnings
import zipfile
import zlib

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLI = None
RESULTS = {}  # group -> [tried, passed]
FAILURES = []
WORK = None


# ----------------------------------------------------------------------------------------------------------- running
class Run:
    def __init__(self, code, out, err, seconds, rss_mb):
        self.code, self.out, self.err, self.seconds, self.rss_mb = code, out, err, seconds, rss_mb

    def json(self):
        return json.loads(self.out)


def run(args, env=None, timeout=120, measure=False):
    """Runs rankwise ARGS; with measure, under /usr/bin/time (peak RSS in MB)."""
    cmd = ["dotnet", CLI] + [str(a) for a in args]
    timing = None
    if measure:
        timing = os.path.join(WORK, "time.txt")
        cmd = ["/usr/bin/time", "-f", "%M %e", "-o", timing] + cmd
    full_env = dict(os.environ, DOTNET_CLI_TELEMETRY_OPTOUT="1", **(env or {}))
    start = time.monotonic()
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=timeout, env=full_env)
    except subprocess.TimeoutExpired:
        return Run(None, "", f"timed out after {timeout} s", time.monotonic() - start, None)
    seconds = time.monotonic() - start
    rss = None
    if timing:
        with open(timing) as f:
            fields = f.read().split()
        rss = int(fields[-2]) / 1024 if len(fields) >= 2 else None
    return Run(p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace"), seconds, rss)


def record(group, name, ok, detail=""):
    tried_passed = RESULTS.setdefault(group, [0, 0])
    tried_passed[0] += 1
    if ok:
        tried_passed[1] += 1
    else:
        FAILURES.append(f"[{group}] {name}: {detail}")
    mark = "ok  " if ok else "FAIL"
    print(f"  {mark} {group:13s} {name}" + ("" if ok else f"  -- {detail}"), flush=True)


def fresh_dir(name):
    d = os.path.join(WORK, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    return d


def hostile(group, name, data, command, expect=(0, 3), max_seconds=10, max_rss_mb=None, suffix=None, selector=""):
    """Writes DATA to a file and runs COMMAND(input, output) -> args; checks the clean-failure property."""
    d = fresh_dir("case")
    path = os.path.join(d, "input" + (suffix or os.path.splitext(name)[1]))
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(path, "wb") as f:
        f.write(data)
    output = os.path.join(d, "out.json")
    r = run(command(path + selector, output), measure=max_rss_mb is not None, timeout=max(60, 3 * max_seconds))
    problems = []
    if r.code is None:
        problems.append(r.err)
    elif r.code not in expect:
        problems.append(f"exit {r.code} (expected {'/'.join(map(str, expect))}): {r.err.strip()[:300]}")
    elif r.code == 0 and not os.path.exists(output):
        problems.append("exit 0 without the output file")
    elif r.code == 3:
        lines = r.err.strip().splitlines()
        if len(lines) != 1:
            problems.append(f"{len(lines)} lines on stderr: {r.err.strip()[:300]}")
        if path not in r.err:
            problems.append(f"error does not name the file: {r.err.strip()[:300]}")
        left = sorted(set(os.listdir(d)) - {os.path.basename(path)})
        if left:
            problems.append(f"left behind: {left}")
    if r.code is not None and r.seconds > max_seconds:
        problems.append(f"took {r.seconds:.1f} s (limit {max_seconds})")
    if max_rss_mb is not None and r.rss_mb is not None and r.rss_mb > max_rss_mb:
        problems.append(f"peak RSS {r.rss_mb:.0f} MB (limit {max_rss_mb})")
    detail = "; ".join(problems)
    record(group, name + (f" [exit {r.code}, {r.seconds:.1f}s" + (f", {r.rss_mb:.0f} MB" if r.rss_mb else "") + "]"), not problems, detail)
    return r


def assign(path, output):
    return ["assign", path, "--output", output, "--format", "json", "--quiet"]


def correlate_self(path, output):
    return ["correlate", path, path, "--output", output, "--format", "json", "--quiet"]


# ------------------------------------------------------------------------------------------------------------- .npy
def npy_bytes(header, data=b"", version=(1, 0), pad=True):
    """A .npy file with a literal header dict string (may lie)."""
    h = header.encode("latin1")
    if pad:
        prefix = 10 if version[0] == 1 else 12
        total = prefix + len(h) + 1
        h = h + b" " * ((64 - total % 64) % 64) + b"\n"
    magic = b"\x93NUMPY" + bytes(version)
    length = struct.pack("<H", len(h)) if version[0] == 1 else struct.pack("<I", len(h))
    return magic + length + h + data


def save(array, **kw):
    path = os.path.join(WORK, "tmp.npy")
    np.save(path, array, **kw)
    with open(path, "rb") as f:
        return f.read()


def group_npy():
    g = "npy"
    valid = save(np.arange(12.0).reshape(3, 4))
    hostile(g, "valid.npy", valid, assign, expect=(0,))
    for cut in (0, 5, 9, 30, 70, len(valid) - 50, len(valid) - 1):
        hostile(g, f"truncated-at-{cut}.npy", valid[:cut], assign, expect=(3,))
    lies = {
        "shape-1e12.npy": "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000000,), }",
        "shape-1e6x1e6.npy": "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000, 1000000), }",
        "shape-overflow.npy": "{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904, 4), }",
        "shape-2^64.npy": "{'descr': '<f8', 'fortran_order': False, 'shape': (18446744073709551616,), }",
        "shape-negative.npy": "{'descr': '<f8', 'fortran_order': False, 'shape': (-1, 3), }",
        "descr-object.npy": "{'descr': '|O', 'fortran_order': False, 'shape': (3,), }",
        "descr-unicode.npy": "{'descr': '<U5', 'fortran_order': False, 'shape': (3,), }",
        "descr-structured.npy": "{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (3,), }",
        "descr-complex.npy": "{'descr': '<c16', 'fortran_order': False, 'shape': (3,), }",
        "header-not-dict.npy": "garbage",
        "header-missing-shape.npy": "{'descr': '<f8', 'fortran_order': False, }",
        "header-extra-key.npy": "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), 'evil': __import__('os'), }",
        "header-code.npy": "__import__('os').system('touch /tmp/rankwise-pwned')",
    }
    for name, header in lies.items():
        hostile(g, name, npy_bytes(header, b"\0" * 24), assign, expect=(3,), max_rss_mb=400, max_seconds=5)
    hostile(g, "pickled-object-array.npy", save(np.array([{"a": 1}, None, "x"], dtype=object), allow_pickle=True), assign,
            expect=(3,), max_rss_mb=400)
    hostile(g, "bad-magic.npy", b"\x93NUMPX" + valid[6:], assign, expect=(3,))
    hostile(g, "version-9.npy", valid[:6] + b"\x09\x00" + valid[8:], assign, expect=(3,))
    hostile(g, "header-len-65535.npy", valid[:8] + struct.pack("<H", 65535) + valid[10:], assign, expect=(3,))
    v2 = npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", b"\0" * 24, version=(2, 0))
    hostile(g, "v2-header-len-4G.npy", v2[:8] + struct.pack("<I", 0xFFFFFFFF) + v2[12:], assign, expect=(3,), max_rss_mb=400)
    hostile(g, "v2-header-10MB-of-spaces.npy",
            npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }" + " " * 10_000_000, struct.pack("<4d", 1, 2, 3, 4),
                      version=(2, 0)), assign, max_seconds=10)
    hostile(g, "data-one-byte-short.npy", valid[:-1], assign, expect=(3,))
    hostile(g, "trailing-bytes.npy", valid + b"junk", assign, expect=(0,))
    hostile(g, "fortran-order.npy", save(np.asfortranarray(np.arange(12.0).reshape(3, 4))), assign, expect=(0,))
    hostile(g, "big-endian-f4.npy", save(np.arange(12, dtype=">f4").reshape(3, 4)), assign, expect=(0,))
    hostile(g, "nan-inf-values.npy", save(np.array([[1, np.nan], [np.inf, -np.inf]])), assign)
    hostile(g, "empty-0x3.npy", save(np.zeros((0, 3))), assign)
    hostile(g, "zero-d.npy", save(np.array(3.0)), assign)
    hostile(g, "3-d.npy", save(np.zeros((2, 2, 2))), assign, expect=(3,))
    hostile(g, "bool.npy", save(np.array([[True, False], [False, True]])), assign, expect=(0,))
    hostile(g, "float16.npy", save(np.arange(4, dtype=np.float16).reshape(2, 2)), assign, expect=(0,))
    hostile(g, "uint64-max.npy", save(np.array([[2**64 - 1, 0], [0, 1]], dtype=np.uint64)), assign)
    if os.path.exists("/tmp/rankwise-pwned"):
        record(g, "header code was executed", False, "/tmp/rankwise-pwned exists")


# ------------------------------------------------------------------------------------------------------------- .npz
def zip_bytes(members, method=zipfile.ZIP_DEFLATED):
    path = os.path.join(WORK, "tmp.zip")
    with zipfile.ZipFile(path, "w", compression=method) as z:
        for name, data in members:
            z.writestr(zipfile.ZipInfo(name) if isinstance(name, str) else name, data, compress_type=method)
    with open(path, "rb") as f:
        return f.read()


def patch_sizes(data, uncompressed=None, method=None, flags=None):
    """Rewrites the declared uncompressed size / method / flags of every entry (local and central headers)."""
    b = bytearray(data)
    for sig, size_at, method_at, flag_at in ((b"PK\x03\x04", 22, 8, 6), (b"PK\x01\x02", 24, 10, 8)):
        i = b.find(sig)
        while i >= 0:
            if uncompressed is not None:
                b[i + size_at:i + size_at + 4] = struct.pack("<I", uncompressed)
            if method is not None:
                b[i + method_at:i + method_at + 2] = struct.pack("<H", method)
            if flags is not None:
                b[i + flag_at:i + flag_at + 2] = struct.pack("<H", flags)
            i = b.find(sig, i + 4)
    return bytes(b)


def group_npz():
    g = "npz"
    arr = save(np.arange(12.0).reshape(3, 4))
    valid = zip_bytes([("weights.npy", arr)])
    hostile(g, "valid.npz", valid, assign, expect=(0,))
    for cut in (0, 10, len(valid) // 2, len(valid) - 10):
        hostile(g, f"truncated-at-{cut}.npz", valid[:cut], assign, expect=(3,))
    traversal_dir = fresh_dir("traversal")
    for name in ("../evil.npy", "/tmp/evil.npy", "a/../../evil.npy", "C:/evil.npy", "..\\evil.npy", "ok/../../../evil.npy"):
        hostile(g, f"entry {name!r}.npz", zip_bytes([(name, arr)]), assign, expect=(3,), suffix=".npz")
    leaked = [p for p in (os.path.join(WORK, "evil.npy"), "/tmp/evil.npy", os.path.join(traversal_dir, "evil.npy")) if os.path.exists(p)]
    record(g, "no file written by traversal names", not leaked, f"found {leaked}")
    # Zip bombs: deflated zeros (ratio ~1000:1) with lying sizes.
    big_zeros = npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (10,), }", b"\0" * (1 << 30))
    bomb = zip_bytes([("x.npy", big_zeros)])  # 1 GiB of zeros behind a header that promises 10 values
    hostile(g, f"bomb-1GiB-stream-header-says-10 ({len(bomb) >> 10} KiB).npz", bomb, assign, max_rss_mb=400, max_seconds=10,
            suffix=".npz")
    hostile(g, "bomb-declared-size-small.npz", patch_sizes(bomb, uncompressed=200), assign, max_rss_mb=400, suffix=".npz")
    lying = zip_bytes([("x.npy", npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000000,), }", b"\0" * 80))])
    hostile(g, "member-header-claims-1e12.npz", lying, assign, expect=(3,), max_rss_mb=400, suffix=".npz")
    hostile(g, "declared-4GiB-from-1KiB.npz", patch_sizes(valid, uncompressed=0xFFFFFFF0), assign, expect=(3,), max_rss_mb=400, suffix=".npz")
    # An honest 1 GiB member (deflate's ~1000:1 ratio): read as it promises, streamed into the destination array.
    # The bound is loose: correlate holds the two 1 GiB copies and also builds its rank-scatter figure from every
    # pair (copies and ranks) even without --report, ~3.5x the input in all (bench/README.md, stress run).
    honest = zip_bytes([("x.npy", npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (134217728,), }", b"\0" * (1 << 30)))])
    hostile(g, f"honest-1GiB-member ({len(honest) >> 10} KiB).npz", honest,
            lambda p, o: ["correlate", p, p, "--method", "pearson", "--output", o, "--format", "json", "--quiet"],
            expect=(0,), max_rss_mb=9000, max_seconds=90, suffix=".npz")
    hostile(g, "pickled-member.npz", zip_bytes([("o.npy", save(np.array([None, 1], dtype=object), allow_pickle=True))]), assign,
            expect=(3,), suffix=".npz")
    hostile(g, "not-a-zip.npz", b"hello world", assign, expect=(3,))
    hostile(g, "empty-zip.npz", zip_bytes([]), assign, expect=(3,), suffix=".npz")
    hostile(g, "member-not-npy.npz", zip_bytes([("a.txt", b"1,2,3")]), assign, expect=(3,), suffix=".npz")
    hostile(g, "two-members-no-selector.npz", zip_bytes([("a.npy", arr), ("b.npy", arr)]), assign, expect=(3,), suffix=".npz")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        hostile(g, "duplicate-member-names.npz", zip_bytes([("a.npy", arr), ("a.npy", arr)]), assign, suffix=".npz")
    hostile(g, "method-bzip2.npz", patch_sizes(valid, method=12), assign, expect=(3,), suffix=".npz")
    hostile(g, "method-lzma.npz", patch_sizes(valid, method=14), assign, expect=(3,), suffix=".npz")
    hostile(g, "method-99.npz", patch_sizes(valid, method=99), assign, expect=(3,), suffix=".npz")
    hostile(g, "encrypted-flag-on-plain-data.npz", patch_sizes(valid, flags=1), assign, suffix=".npz")
    stored = zip_bytes([("weights.npy", arr)], method=zipfile.ZIP_STORED)
    corrupt = bytearray(valid)
    corrupt[60:80] = b"\xff" * 20
    hostile(g, "corrupt-deflate.npz", bytes(corrupt), assign, expect=(3,), suffix=".npz")
    hostile(g, "stored-valid.npz", stored, assign, expect=(0,), suffix=".npz")
    hostile(g, "stored-declared-larger.npz", patch_sizes(stored, uncompressed=len(arr) + 1000), assign, suffix=".npz")
    hostile(g, "stored-declared-smaller.npz", patch_sizes(stored, uncompressed=len(arr) - 40), assign, expect=(3,), suffix=".npz")
    hostile(g, "deflated-declared-smaller.npz", patch_sizes(valid, uncompressed=len(arr) - 40), assign, expect=(3,), suffix=".npz")


# ------------------------------------------------------------------------------------------------------ .safetensors
def st_bytes(header, data=b"", length=None):
    h = header.encode("utf-8") if isinstance(header, str) else header
    return struct.pack("<Q", len(h) if length is None else length) + h + data


def group_safetensors():
    g = "safetensors"
    good = '{"w": {"dtype": "F64", "shape": [3, 2], "data_offsets": [0, 48]}}'
    data = struct.pack("<6d", *range(6))
    hostile(g, "valid.safetensors", st_bytes(good, data), assign, expect=(0,))
    for cut in (0, 4, 8, 20, 60, 100):
        hostile(g, f"truncated-at-{cut}.safetensors", st_bytes(good, data)[:cut], assign, expect=(3,))
    rss = 400
    hostile(g, "header-length-10GB.safetensors", st_bytes(good, data, length=10 * 10**9), assign, expect=(3,), max_rss_mb=rss, max_seconds=5)
    hostile(g, "header-length-2^64-1.safetensors", st_bytes(good, data, length=2**64 - 1), assign, expect=(3,), max_rss_mb=rss, max_seconds=5)
    hostile(g, "header-length-past-end.safetensors", st_bytes(good, data, length=len(good) + 49), assign, expect=(3,))
    cases = {
        "json-invalid": '{"w": {"dtype": "F64", "shape": [3, 2], "data_offsets": [0, 48]',
        "json-array": '[1, 2, 3]',
        "json-nested-100k": "[" * 100_000 + "]" * 100_000,
        "json-nested-object-10k": '{"a":' * 10_000 + "1" + "}" * 10_000,
        "offsets-out-of-range": '{"w": {"dtype": "F64", "shape": [3, 2], "data_offsets": [0, 4800]}}',
        "offsets-reversed": '{"w": {"dtype": "F64", "shape": [3, 2], "data_offsets": [48, 0]}}',
        "offsets-negative": '{"w": {"dtype": "F64", "shape": [3, 2], "data_offsets": [-8, 40]}}',
        "offsets-huge": '{"w": {"dtype": "F64", "shape": [3, 2], "data_offsets": [0, 18446744073709551615]}}',
        "size-mismatch": '{"w": {"dtype": "F64", "shape": [3, 3], "data_offsets": [0, 48]}}',
        "shape-1e12": '{"w": {"dtype": "F64", "shape": [1000000000000], "data_offsets": [0, 48]}}',
        "shape-overflow": '{"w": {"dtype": "F64", "shape": [4294967296, 4294967296], "data_offsets": [0, 48]}}',
        "shape-negative": '{"w": {"dtype": "F64", "shape": [-3, -2], "data_offsets": [0, 48]}}',
        "shape-float": '{"w": {"dtype": "F64", "shape": [3.5, 2], "data_offsets": [0, 48]}}',
        "dtype-unknown": '{"w": {"dtype": "Q7", "shape": [3, 2], "data_offsets": [0, 48]}}',
        "dtype-f8-e4m3": '{"w": {"dtype": "F8_E4M3", "shape": [6], "data_offsets": [0, 6]}}',
        "dtype-number": '{"w": {"dtype": 7, "shape": [3, 2], "data_offsets": [0, 48]}}',
        "tensor-not-object": '{"w": 5}',
        "metadata-not-strings": '{"__metadata__": {"a": [1, 2]}, "w": {"dtype": "F64", "shape": [3, 2], "data_offsets": [0, 48]}}',
        "duplicate-keys": '{"w": {"dtype": "F64", "shape": [3, 2], "data_offsets": [0, 48]}, "w": {"dtype": "F64", "shape": [6], "data_offsets": [0, 48]}}',
        "overlapping-tensors": '{"a": {"dtype": "F64", "shape": [6], "data_offsets": [0, 48]}, "b": {"dtype": "F64", "shape": [3], "data_offsets": [8, 32]}}',
    }
    for name, header in cases.items():
        hostile(g, name + ".safetensors", st_bytes(header, data), assign, max_rss_mb=rss,
                expect=(0, 3) if name in ("duplicate-keys", "overlapping-tensors", "metadata-not-strings") else (3,))
    hostile(g, "header-not-utf8.safetensors", st_bytes(b'{"w\xff\xfe": {"dtype": "F64", "shape": [6], "data_offsets": [0, 48]}}', data), assign)
    hostile(g, "metadata-50MB.safetensors",
            st_bytes('{"__metadata__": {"x": "' + "a" * 50_000_000 + '"}, "w": {"dtype": "F64", "shape": [3, 2], "data_offsets": [0, 48]}}', data),
            assign, expect=(0, 3), max_seconds=15)
    hostile(g, "bf16-nan.safetensors", st_bytes('{"w": {"dtype": "BF16", "shape": [2, 2], "data_offsets": [0, 8]}}', b"\xc0\x7f" * 4), assign)


# ---------------------------------------------------------------------------------------------------- CSV / TSV text
def group_csv():
    g = "csv"
    hostile(g, "valid.csv", "a,b\n1,2\n3,4\n", assign, expect=(0,))
    cases = {
        "unterminated-quote.csv": 'a,b\n"1,2\n3,4\n',
        "quote-at-eof.csv": 'a,b\n1,"',
        "nul-bytes.csv": "a,b\n1,\0\n3,4\n",
        "overflow-1e999.csv": "a,b\n1,1e999\n3,4\n",
        "ragged.csv": "a,b\n1,2,3\n3\n",
        "header-only.csv": "a,b,c\n",
        "only-newlines.csv": "\n\n\n\n",
        "bom-only.csv": "\ufeff",
        "cr-only-newlines.csv": "a,b\r1,2\r3,4\r",
        "mixed-delimiters.csv": "a;b,c\n1;2,3\n",
        "invalid-utf8.csv": b"a,b\n1,\xff\xfe\n",
        "nan-inf-words.csv": "a,b\nnan,inf\n-inf,NaN\n",
        "hex-and-words.csv": "a,b\n0x10,ten\n1,2\n",
        "empty.csv": "",
    }
    for name, text in cases.items():
        hostile(g, name, text, assign)
    hostile(g, "100k-columns.csv", ",".join(f"c{i}" for i in range(100_000)) + "\n" + ",".join("1" for _ in range(100_000)) + "\n", assign, max_seconds=15)
    hostile(g, "5MB-line.csv", "a\n" + "9" * 5_000_000 + "\n", assign)
    hostile(g, "1M-quote-field.csv", 'a,b\n"' + "x\n" * 500_000 + '",1\n', assign)
    hostile(g, "tabs.tsv", "a\tb\n1\t2\n\t\n", assign)


# ----------------------------------------------------------------------------------------------- word2vec / GloVe
def wordsim_vectors(path, output):
    bench = os.path.join(ROOT, "tests", "ReferenceData", "fuzz", "wordsim", "ws.tab")
    return ["wordsim", "--vectors", path, "--benchmark", bench, "--resamples", "50", "--output", output, "--format", "json", "--quiet"]


def group_embeddings():
    g = "embeddings"
    text = "3 2\ncat 1 2\ndog 3 4\ntree 5 6\n"
    binary = b"3 2\n" + b"".join(w + b" " + struct.pack("<2f", a, b) + b"\n" for w, a, b in ((b"cat", 1, 2), (b"dog", 3, 4), (b"tree", 5, 6)))
    for cmd in (assign, wordsim_vectors):
        tag = cmd.__name__
        hostile(g, f"{tag}: valid.txt", text, cmd, expect=(0,))
        hostile(g, f"{tag}: valid.bin", binary, cmd, expect=(0,), suffix=".bin")
        hostile(g, f"{tag}: count-1e12.txt", "1000000000000 300\ncat 1 2\n", cmd, expect=(3,), max_rss_mb=400, suffix=".txt")
        hostile(g, f"{tag}: dim-1e9.vec", "1 1000000000\ncat 1 2\n", cmd, expect=(3,), max_rss_mb=400, suffix=".vec")
        hostile(g, f"{tag}: count-dim-overflow.bin", b"4294967296 4294967296\n", cmd, expect=(3,), max_rss_mb=400, suffix=".bin")
        for cut in (3, 10, len(binary) - 5):
            hostile(g, f"{tag}: binary-truncated-{cut}.bin", binary[:cut], cmd, expect=(3,), suffix=".bin")
        hostile(g, f"{tag}: word-70KB.bin", b"1 2\n" + b"w" * 70_000 + b" " + struct.pack("<2f", 1, 2), cmd, expect=(3,), suffix=".bin")
        hostile(g, f"{tag}: glove-ragged.txt", "cat 1 2\ndog 3\n", cmd, expect=(3,), suffix=".txt")
        hostile(g, f"{tag}: text-nan.txt", "2 2\ncat nan 2\ndog 3 4\n", cmd, suffix=".txt")
        hostile(g, f"{tag}: binary-nan.bin", b"1 2\ncat " + struct.pack("<2f", float("nan"), 1), cmd, suffix=".bin")
        hostile(g, f"{tag}: more-than-promised.txt", "1 2\ncat 1 2\ndog 3 4\n", cmd, expect=(3,), suffix=".txt")
        hostile(g, f"{tag}: dim-0.txt", "2 0\ncat\ndog\n", cmd, expect=(3,), suffix=".txt")
        hostile(g, f"{tag}: invalid-utf8-word.txt", b"2 2\nc\xffat 1 2\ndog 3 4\n", cmd, suffix=".txt")


# ------------------------------------------------------------------------ response tables, benchmarks, label files
def consistency(path, output):
    return ["consistency", path, "--splits", "5", "--seed", "1", "--output", output, "--format", "json", "--quiet"]


def wordsim_benchmark(path, output):
    vectors = os.path.join(ROOT, "tests", "ReferenceData", "fuzz", "wordsim", "w2v.txt")
    return ["wordsim", "--vectors", vectors, "--benchmark", path, "--resamples", "50", "--output", output, "--format", "json", "--quiet"]


def label_map(path, output):
    emb = os.path.join(ROOT, "tests", "ReferenceData", "fuzz", "labels", "emb.csv")
    return ["retrieval", "label-map", "--embeddings", emb, "--labels", path, "--output", output, "--format", "json", "--quiet"]


def group_text_readers():
    g = "responses"
    cases = {
        "one-subject.csv": ("subject,item,response\ns1,a,1\ns1,b,0\n", (3,)),
        "header-only.csv": ("subject,item,response\n", (3,)),
        "empty.csv": ("", (3,)),
        "overflow.csv": ("subject,item,response\ns1,a,1e309\ns2,a,0\n", (3,)),
        "minus-infinity.csv": ("subject,item,response\ns1,a,-Infinity\ns2,a,0\n", (3,)),
        "empty-item.csv": ("subject,item,response\ns1,,1\ns2,a,0\n", (3,)),
        "duplicate-wide-subject.csv": ("subject,a,b\ns1,1,2\ns1,3,4\n", (3,)),
        "ambiguous-3-columns.csv": ("1,2,1\n2,2,0\n", (3,)),
        "all-missing.csv": ("subject,item,response\ns1,a,\ns2,b,NaN\ns3,a,NA\n", (0,)),
        "quoted-newline-subject.csv": ('subject,item,response\n"s\n1",a,1\ns2,a,0\ns3,a,1\n', (0,)),
        "invalid-utf8.csv": (b"subject,item,response\ns\xff,a,1\ns2,a,0\n", (0, 3)),
    }
    for name, (text, expect) in cases.items():
        hostile(g, name, text, consistency, expect=expect)
    rng = np.random.default_rng(1)
    rows = ["subject,item,response"] + [f"s{rng.integers(0, 2000)},i{rng.integers(0, 500)},{rng.integers(0, 2)}" for _ in range(200_000)]
    hostile(g, "200k-responses.csv", "\n".join(rows) + "\n", consistency, expect=(0,), max_seconds=30)
    hostile(g, "wide-5000-items.csv", "\n".join(",".join(str(v) for v in rng.integers(0, 5, 5000)) for _ in range(40)) + "\n", consistency,
            expect=(0,), max_seconds=30)

    g = "benchmarks"
    cases = {
        "infinity-score.tab": ("cat\tdog\tInfinity\n", (3,)),
        "nan-score.tab": ("cat\tdog\tNaN\n", (3,)),
        "only-comment.tab": ("# only a comment\n\n", (3,)),
        "simlex-header-only.txt": ("word1\tword2\tSimLex999\n", (3,)),
        "simlex-short-row.txt": ("word1\tword2\tPOS\tSimLex999\ncat\tdog\tN\n", (3,)),
        "unknown-layout.txt": ("cat dog\n", (3,)),
        "one-pair.tab": ("cat\tdog\t5\n", (0,)),
        "all-oov.tab": ("zzz\tyyy\t5\nqq\tpp\t3\nrr\tss\t1\n", (0,)),
        "constant.tab": ("cat\tdog\t5\ncat\tdog\t5\ncat\tdog\t5\n", (0,)),
        "huge-score.tab": ("cat\tdog\t1e308\ncat\ttree\t-1e308\nsun\tmoon\t3\n", (0,)),
        "men-mixed-suffixes.txt": ("cat-n dog-n 5\ncat dog 3\n", (0,)),
        "invalid-utf8.tab": (b"c\xffat\tdog\t5\ncat\ttree\t3\n", (0, 3)),
        "empty.tab": ("", (3,)),
    }
    for name, (text, expect) in cases.items():
        hostile(g, name, text, wordsim_benchmark, expect=expect)

    g = "labels"
    cases = {
        "empty.txt": ("", (3,)),
        "comment-only.labels": ("# only a comment\n", (3,)),
        "wrong-count.txt": ("a\nb\n", (3,)),
        "no-labels-at-all.txt": ("\n" * 8, (0,)),
        "100k-labels-per-item.txt": ("\n".join(" ".join(f"l{j}" for j in range(i, i + 100_000, 7)) for i in range(8)) + "\n", (0,)),
        "invalid-utf8.txt": (b"\xff\nb\na\nb\na\nb\na\nb\n", (0,)),
    }
    for name, (text, expect) in cases.items():
        hostile(g, name, text, label_map, expect=expect)
    for name, text, expect in [
        ("ids-1e300.csv", "label\n0\n1\n2\n0\n1\n2\n0\n1e300\n", (3,)),
        ("ids-fraction.csv", "label\n0\n1\n2\n0\n1\n2\n0\n0.5\n", (3,)),
        ("ids-negative.csv", "label\n-1\n1\n2\n0\n1\n2\n0\n-5\n", (0,)),
        ("ids-nan.csv", "label\n0\n1\nNaN\n0\n1\n2\n0\n1\n", (3,)),
    ]:
        hostile(g, name, text, label_map, expect=expect, selector=":label")
    hostile(g, "multihot-2.csv", "a,b\n0,2\n1,0\n0,0\n1,1\n0,0\n1,1\n0,1\n1,0\n", label_map, expect=(3,))


# --------------------------------------------------------------------------------------------------------- numerics
def save_to(name, array):
    path = os.path.join(WORK, "num", name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    np.save(path, array)
    return path


def correlate(x, y, *extra):
    r = run(["correlate", x, y, "--format", "json", "--quiet", *extra])
    return r, (r.json() if r.code == 0 else None)


def check(group, name, ok, detail=""):
    record(group, name, bool(ok), detail)


def warnings_of(r):
    """The `warning: ...` lines correlate writes to stderr (the JSON object has no warnings key)."""
    return [line[len("warning: "):] for line in r.err.splitlines() if line.startswith("warning: ")]


def group_numerics():
    g = "numerics"
    methods = ["pearson", "spearman", "kendall", "kendall-c", "weighted-tau", "somers-d"]
    const = save_to("const.npy", np.full(50, 2.5))
    ramp = save_to("ramp.npy", np.arange(50.0))
    for m in methods:
        r, j = correlate(const, ramp, "--method", m)
        check(g, f"constant x, {m}: NaN + warning", r.code == 0 and j["statistic"] is None and any("constant" in w for w in warnings_of(r)),
              r.err or r.out[:200])
        r, j = correlate(const, const, "--method", m)
        check(g, f"all ties, {m}: NaN + warning", r.code == 0 and j["statistic"] is None and warnings_of(r), r.err or r.out[:200])
    for n in range(4):
        x = save_to(f"n{n}x.npy", np.array([1.0, 2.0, 3.0][:n]))
        y = save_to(f"n{n}y.npy", np.array([2.0, 1.0, 3.0][:n]))
        for m in methods:
            r, j = correlate(x, y, "--method", m)
            ok = r.code == 0 and (n >= 2 or (j["statistic"] is None and warnings_of(r))) and j["n"] == n
            if ok and n >= 2 and j["statistic"] is not None:
                ok = -1 <= j["statistic"] <= 1 and (j["pvalue"] is None or 0 <= j["pvalue"] <= 1)
            check(g, f"n={n}, {m}", ok, r.err or r.out[:200])
    # Mismatched shapes: exit 3, one line naming a file.
    five, six = save_to("len5.npy", np.arange(5.0)), save_to("len6.npy", np.arange(6.0))
    m5, m6 = save_to("rows5.npy", np.ones((5, 3))), save_to("rows6.npy", np.ones((6, 3)))
    for name, args, named in [
        ("correlate lengths 5 vs 6", ["correlate", five, six], six),
        ("correlate matrix vs vector", ["correlate", m5, five], m5),
        ("compare 5 vs 6 rows", ["compare", m5, m6], m6),
        ("neighbors 5 vs 6 rows", ["neighbors", m5, m6, "--k", "2"], m6),
        ("evaluate 5 truths vs 6 predictions", ["evaluate", "--truth", five, "--pred", six, "--resamples", "20"], six),
    ]:
        r = run(args + ["--format", "json", "--quiet"])
        check(g, f"mismatched shapes: {name}", r.code == 3 and len(r.err.strip().splitlines()) == 1 and (named in r.err or m5 in r.err),
              f"exit {r.code}: {r.err.strip()[:200]}")
    # NaN and +-Inf under every policy.
    xn = save_to("nanx.npy", np.array([1, 2, np.nan, 4, 5, 6, 7.0]))
    yn = save_to("nany.npy", np.array([2, 1, 4, 3, 7, np.nan, 6.0]))
    xi = save_to("infx.npy", np.array([1, np.inf, 3, -np.inf, 2, 7, 8.0]))
    yi = save_to("infy.npy", np.array([1, 5, 3, -1, 2, 6, 9.0]))
    xf = save_to("finx.npy", np.array([1, 1e300, 3, -1e300, 2, 7, 8.0]))
    for m in methods:
        r, j = correlate(xn, yn, "--method", m, "--nan-policy", "propagate")
        check(g, f"NaN propagate, {m}", r.code == 0 and j["statistic"] is None, r.err)
        r, j = correlate(xn, yn, "--method", m, "--nan-policy", "omit")
        check(g, f"NaN omit, {m}", r.code == 0 and j["n"] == 5 and j["statistic"] is not None, r.err)
        r, _ = correlate(xn, yn, "--method", m, "--nan-policy", "raise")
        check(g, f"NaN raise, {m}: exit 3 naming the file", r.code == 3 and xn in r.err and len(r.err.strip().splitlines()) == 1, r.err)
        for policy in ("propagate", "omit", "raise"):
            r, j = correlate(xi, yi, "--method", m, "--nan-policy", policy)
            if m == "pearson":
                ok = r.code == 0 and j["statistic"] is None and any("infinite" in w for w in warnings_of(r))
            else:
                _, jf = correlate(xf, yi, "--method", m)
                ok = r.code == 0 and jf is not None and j["n"] == 7 and j["statistic"] == jf["statistic"] and j["pvalue"] == jf["pvalue"]
            check(g, f"+-Inf {policy}, {m}", ok, r.err or r.out[:200])
    # Huge offsets: exactly representable data, so x - 1e8 is exact and the results must agree.
    rng = np.random.default_rng(5)
    base = rng.integers(-2000, 2000, 10_000) * 0.125
    other = base * 0.25 + rng.integers(-2000, 2000, 10_000) * 0.125  # multiples of 1/32: x ± 1e8 is exact
    x0, y0 = save_to("off0x.npy", base), save_to("off0y.npy", other)
    x8, y8 = save_to("off8x.npy", base + 1e8), save_to("off8y.npy", other - 3e7)
    for m in ("pearson", "spearman", "kendall"):
        _, a = correlate(x0, y0, "--method", m)
        _, b = correlate(x8, y8, "--method", m)
        check(g, f"offset 1e8, {m}", a and b and abs(a["statistic"] - b["statistic"]) <= 1e-12, f"{a and a['statistic']} vs {b and b['statistic']}")
    # float32 inputs accumulate in float64: the same values as float64 give the same numbers.
    f32 = (rng.standard_normal(5000) * 1000 + 1e4).astype(np.float32)
    g32 = (f32 * 0.5 + rng.standard_normal(5000).astype(np.float32) * 1000).astype(np.float32)
    xa, ya = save_to("f32x.npy", f32), save_to("f32y.npy", g32)
    xb, yb = save_to("f64x.npy", f32.astype(np.float64)), save_to("f64y.npy", g32.astype(np.float64))
    for m in ("pearson", "spearman", "kendall"):
        _, a = correlate(xa, ya, "--method", m)
        _, b = correlate(xb, yb, "--method", m)
        check(g, f"float32 = float64 of the same values, {m}", a and b and a["statistic"] == b["statistic"] and a["pvalue"] == b["pvalue"],
              f"{a} vs {b}")
    # Kendall at n = 1e6 with heavy ties against the exact reference (scipy 1.10 overflows there).
    with open(os.path.join(ROOT, "tests", "ReferenceData", "edgecases", "edge_reference.json")) as f:
        ref = json.load(f)["kendall_1e6_heavy_ties"]
    kx = np.concatenate([np.full(a + b, gi, dtype=float) for gi, (a, b) in enumerate(zip(ref["zeros_per_group"], ref["ones_per_group"]))])
    ky = np.concatenate([np.r_[np.zeros(a), np.ones(b)] for a, b in zip(ref["zeros_per_group"], ref["ones_per_group"])])
    perm = rng.permutation(kx.size)
    kxp, kyp = save_to("k1e6x.npy", kx[perm]), save_to("k1e6y.npy", ky[perm])
    for alt in ("two-sided", "less", "greater"):
        r, j = correlate(kxp, kyp, "--method", "kendall", "--alternative", alt)
        ok = r.code == 0 and abs(j["statistic"] - ref["tau_b"]) <= 1e-13 and abs(j["pvalue"] - ref["pvalue"][alt]) <= 1e-12
        check(g, f"kendall n=1e6 heavy ties, {alt}", ok, r.err or f"{j and (j['statistic'], j['pvalue'])} vs {ref['tau_b']}, {ref['pvalue'][alt]}")
    # Representation comparison: offsets, wide (d > n), rank-deficient, debiased CKA with n < 4.
    X = rng.standard_normal((80, 6))
    Y = X @ rng.standard_normal((6, 7)) + rng.standard_normal((80, 7))
    Xq, Yq = np.round(X * 64) / 64, np.round(Y * 64) / 64
    measures = "cka-linear,cka-debiased,cca-mean,svcca,pwcca,procrustes"

    def compare(a, b, extra=()):
        r = run(["compare", a, b, "--measures", measures, "--format", "json", "--quiet", *extra])
        return r, (r.json() if r.code == 0 else None)

    def values(j):
        found = {}

        def walk(node, key=""):
            if isinstance(node, dict):
                for k, v in node.items():
                    walk(v, k if key == "" else key + "." + k)
            elif isinstance(node, list):
                for i, v in enumerate(node):
                    walk(v, f"{key}[{i}]")
            elif isinstance(node, float) or isinstance(node, int) and not isinstance(node, bool):
                found[key] = float(node)
        walk(j)
        return found

    r0, j0 = compare(save_to("cx.npy", Xq), save_to("cy.npy", Yq))
    r8, j8 = compare(save_to("cx8.npy", Xq + 1e8), save_to("cy8.npy", Yq - 3e7))
    if j0 and j8:
        v0, v8 = values(j0), values(j8)
        worst = max((abs(v0[k] - v8[k]) for k in v0 if k in v8 and "seconds" not in k), default=math.inf)
        check(g, "compare offset 1e8 (CKA, CCA, SVCCA, PWCCA, Procrustes)", worst <= 1e-9, f"worst difference {worst}")
    else:
        check(g, "compare offset 1e8 (CKA, CCA, SVCCA, PWCCA, Procrustes)", False, r0.err + r8.err)
    W = rng.standard_normal((20, 50))
    r, j = compare(save_to("wide_x.npy", W), save_to("wide_y.npy", W @ rng.standard_normal((50, 30))))
    check(g, "compare wide d > n", r.code == 0 and all(not math.isnan(v) for v in values(j).values()), r.err)
    D = rng.standard_normal((60, 3))
    r, j = compare(save_to("rd_x.npy", np.c_[D, D, D[:, :1] * 2]), save_to("rd_y.npy", np.c_[D @ rng.standard_normal((3, 4)), np.zeros((60, 2))]))
    check(g, "compare rank-deficient", r.code == 0, r.err)
    r, _ = compare(save_to("n3x.npy", X[:3]), save_to("n3y.npy", Y[:3]))
    check(g, "compare debiased CKA n=3: one-line error, exit 2/3", r.code in (2, 3) and len(r.err.strip().splitlines()) == 1 and "4" in r.err, r.err)
    # k-NN with duplicated rows: deterministic, and identical rows overlap perfectly with themselves.
    Z = rng.integers(0, 3, (300, 4)).astype(float)
    zx = save_to("dup_x.npy", np.r_[Z, Z[:100]])
    outs = [run(["neighbors", zx, zx, "--k", "5", "--metric", m, "--format", "json", "--quiet"], env={"DOTNET_PROCESSOR_COUNT": p})
            for m in ("euclidean", "cosine") for p in ("1", "2")]
    check(g, "neighbors with duplicate rows: exit 0, same across threads",
          all(o.code == 0 for o in outs) and outs[0].out == outs[1].out and outs[2].out == outs[3].out, outs[0].err)


# ------------------------------------------------------------------------------------------------------ determinism
def group_determinism():
    g = "determinism"
    fuzz = os.path.join(ROOT, "tests", "ReferenceData", "fuzz")
    ratings = os.path.join(ROOT, "examples", "data", "ratings.csv")
    rng = np.random.default_rng(3)
    X = rng.standard_normal((120, 8))
    xa = save_to("det_x.npy", X)
    ya = save_to("det_y.npy", X @ rng.standard_normal((8, 5)) + rng.standard_normal((120, 5)))
    fx = save_to("det_fx.npy", X + 0.3 * rng.standard_normal((120, 8)))
    commands = {
        "correlate kendall --ci bca": ["correlate", ratings + ":human", ratings + ":model", "--method", "kendall", "--ci", "bca", "--resamples", "3000", "--seed", "42"],
        "correlate spearman --ci percentile": ["correlate", save_to("det_v1.npy", X[:, 0]), save_to("det_v2.npy", X[:, 1] + X[:, 0]),
                                               "--ci", "percentile", "--resamples", "2000", "--seed", "7"],
        "consistency": ["consistency", os.path.join(fuzz, "responses", "long_header.csv"), "--splits", "200", "--seed", "9"],
        "wordsim": ["wordsim", "--vectors", os.path.join(fuzz, "wordsim", "w2v.txt"), "--benchmark", os.path.join(fuzz, "wordsim", "ws.tab"),
                    "--resamples", "3000", "--seed", "5"],
        "compare (all measures)": ["compare", xa, ya, "--measures", "all", "--seed", "3"],
        "neighbors --mapped (sign-flip test)": ["neighbors", xa, ya, "--mapped", fx, "--k", "5", "--k", "10", "--seed", "11"],
        "retrieval label-map": ["retrieval", "label-map", "--embeddings", os.path.join(fuzz, "labels", "emb.csv"), "--labels",
                                os.path.join(fuzz, "labels", "labels.txt")],
    }
    if not os.path.exists(ratings):
        commands.pop("correlate kendall --ci bca")
    for name, args in commands.items():
        outputs = []
        for processors in ("1", "2", "8"):
            for _ in range(2):
                r = run(args + ["--format", "json", "--quiet"], env={"DOTNET_PROCESSOR_COUNT": processors})
                outputs.append((processors, r.code, r.out, r.err))
        ok = all(o[1] == 0 for o in outputs) and len({o[2] for o in outputs}) == 1
        check(g, f"{name}: 6 runs, DOTNET_PROCESSOR_COUNT 1/2/8", ok,
              next((o[3] for o in outputs if o[1] != 0), "outputs differ between " + ", ".join(sorted({o[0] for o in outputs if o[2] != outputs[0][2]}))))


# ------------------------------------------------------------------------------------------------------- interrupts
def group_interrupt():
    g = "sigint"
    fuzz = os.path.join(ROOT, "tests", "ReferenceData", "fuzz")
    rng = np.random.default_rng(4)
    v = save_to("int_v.npy", rng.standard_normal(20_000))
    X = rng.standard_normal((6000, 64))   # 15 RBF CKA pairs: ≈ 8 s here, well past the 3 s before the signal
    xa = save_to("int_x.npy", X)
    ya = save_to("int_y.npy", X @ rng.standard_normal((64, 32)))
    cases = {
        "correlate --ci bca": ["correlate", v, v, "--ci", "bca", "--resamples", "10000000"],
        "consistency --splits 1e7": ["consistency", os.path.join(fuzz, "responses", "long_header.csv"), "--splits", "10000000"],
        "wordsim --resamples 1e8": ["wordsim", "--vectors", os.path.join(fuzz, "wordsim", "w2v.txt"), "--benchmark",
                                    os.path.join(fuzz, "wordsim", "ws.tab"), "--resamples", "100000000"],
        "compare --runs protocol": ["compare", "--runs", xa, ya, xa, "--vs", ya, xa, ya, "--measure", "cka-rbf", "--resamples", "100000000"],
        "sorter train": ["sorter", "train", "--arch", "gru", "--length", "50", "--steps", "1000000", "--threads", "1"],
    }
    for name, args in cases.items():
        d = fresh_dir("sigint")
        output = os.path.join(d, "out.json")
        if args[0] == "sorter":
            args = args + ["--out", os.path.join(d, "s.dat")]
        # A shell without job control starts background jobs with SIGINT ignored, and children inherit that:
        # restore the default so the run does not depend on how this script was started.
        p = subprocess.Popen(["dotnet", CLI] + args + ["--output", output, "--format", "json", "--quiet"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        time.sleep(3.0)
        if p.poll() is not None:
            check(g, name, False, f"finished before the signal (exit {p.returncode}): {p.stderr.read().decode()[:200]}")
            continue
        start = time.monotonic()
        p.send_signal(signal.SIGINT)
        try:
            _, err = p.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            p.kill()
            check(g, name, False, "still running 15 s after SIGINT")
            continue
        seconds = time.monotonic() - start
        left = [f for f in os.listdir(d) if f not in ("s.resume", "s.dat", "s.json")]  # sorter train keeps its checkpoint
        ok = p.returncode == 130 and seconds < 1.0 and not os.path.exists(output) and not left and b"interrupted" in err
        check(g, f"{name}: exit {p.returncode} after {seconds:.2f} s", ok, f"stderr {err.decode()[:200]!r}, left {left}")


# ---------------------------------------------------------------------------------------------- kill -9 and resume
def checkpoint_step(path):
    with open(path, "rb") as f:
        b = f.read()
    if len(b) < 16 or b[:8] != b"RWSORTER" or struct.unpack_from("<i", b, 8)[0] != 1:
        return None
    n = struct.unpack_from("<i", b, 12)[0]
    at = 16 + n
    for _ in range(2):
        if at + 8 > len(b):
            return None
        length = struct.unpack_from("<q", b, at)[0]
        at += 8 + length
    if at != len(b):
        return None
    return json.loads(b[16:16 + n])["state"]["step"]


def group_kill_resume():
    g = "kill-resume"
    for attempt, kill_after in enumerate((30, 120, 400)):
        d = fresh_dir("kill")
        out = os.path.join(d, "s.dat")
        resume = os.path.join(d, "s.resume")
        args = ["dotnet", CLI, "sorter", "train", "--arch", "mlp", "--length", "8", "--hidden", "16", "--layers", "1", "--batch", "16",
                "--validate-every", "10", "--validation-sequences", "8", "--steps", "1000", "--threads", "1", "--seed", "3",
                "--resume", "--out", out, "--format", "json", "--quiet"]
        p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        partial, seen = 0, 0
        deadline = time.monotonic() + 60
        while p.poll() is None and time.monotonic() < deadline:
            if os.path.exists(resume):
                step = checkpoint_step(resume)
                seen += 1
                partial += step is None
                if step is not None and step >= kill_after:
                    break
            time.sleep(0.002)
        if p.poll() is not None:
            check(g, f"kill at step >= {kill_after}", False, "finished before the kill")
            continue
        p.kill()  # SIGKILL
        p.wait()
        step = checkpoint_step(resume)
        r = run(args[2:])
        j = r.json() if r.code == 0 else {}
        ok = (p.returncode == -9 and partial == 0 and step is not None and j.get("resumed_from_step") == step and j.get("steps") == 1000
              and checkpoint_step(resume) == 1000)
        check(g, f"SIGKILL at step {step} (read the checkpoint {seen} times, {partial} partial), resumed from "
                 f"{j.get('resumed_from_step')}, finished {j.get('steps')}", ok, r.err)


# ------------------------------------------------------------------------------------------------ 10^8 float32 pairs
def group_big(n):
    g = "big-1e8"
    d = fresh_dir("big")
    rng = np.random.default_rng(8)
    x_path, y_path = os.path.join(d, "x.npy"), os.path.join(d, "y.npy")
    start = time.monotonic()
    chunk = 10_000_000
    # x ~ N(0,1), y = x/2 + N(0,1) (correlation r = 0.5/sqrt(1.25)), written chunk by chunk as float32.
    xs = np.lib.format.open_memmap(x_path, mode="w+", dtype=np.float32, shape=(n,))
    ys = np.lib.format.open_memmap(y_path, mode="w+", dtype=np.float32, shape=(n,))
    for s in range(0, n, chunk):
        e = min(n, s + chunk)
        a = rng.standard_normal(e - s, dtype=np.float32)
        xs[s:e] = a
        ys[s:e] = a * 0.5 + rng.standard_normal(e - s, dtype=np.float32)
    xs.flush()
    ys.flush()
    del xs, ys
    print(f"  generated 2 x {n:,} float32 pairs ({2 * 4 * n / 1e9:.1f} GB) in {time.monotonic() - start:.0f} s", flush=True)
    r = 0.5 / math.sqrt(1.25)
    expected = {"spearman": 6 / math.pi * math.asin(r / 2), "kendall": 2 / math.pi * math.asin(r)}
    figures = []
    for method in ("spearman", "kendall"):
        timing = os.path.join(d, "time.txt")
        start = time.monotonic()
        p = subprocess.run(["/usr/bin/time", "-v", "-o", timing, "dotnet", CLI, "correlate", x_path, y_path, "--method", method,
                            "--format", "json", "--quiet"], capture_output=True)
        wall = time.monotonic() - start
        with open(timing) as f:
            text = f.read()
        rss_kb = int(next(line.split(":")[1] for line in text.splitlines() if "Maximum resident set size" in line))
        ok = p.returncode == 0
        detail = p.stderr.decode()[:300]
        stat = None
        if ok:
            j = json.loads(p.stdout)
            stat = j["statistic"]
            # Population value for a bivariate normal; the sampling error at n = 1e8 is ~1e-4.
            ok = j["n"] == n and abs(stat - expected[method]) < 2e-3 and rss_kb / 1024 / 1024 < 24
            detail = f"statistic {stat} (population {expected[method]:.6f}), n {j['n']}"
        figures.append((method, wall, rss_kb / 1024 / 1024, stat))
        check(g, f"{method} n={n:,}: {wall:.1f} s wall, peak RSS {rss_kb / 1024 / 1024:.2f} GB, statistic {stat}", ok, detail)
    shutil.rmtree(d, ignore_errors=True)
    return figures


def fuzz_tests(iterations):
    g = "cscheck-fuzz"
    env = dict(os.environ, RANKWISE_FUZZ_ITER=str(iterations))
    p = subprocess.run(["dotnet", "test", os.path.join(ROOT, "tests", "Rankwise.Tests"), "-c", "Release", "-m:1",
                        "--filter", "FullyQualifiedName~CliFuzzTests"], capture_output=True, env=env)
    text = p.stdout.decode()
    summary = next((line for line in text.splitlines() if "Passed!" in line or "Failed!" in line), text[-300:])
    check(g, f"CliFuzzTests with {iterations} inputs per property: {summary.strip()}", p.returncode == 0, text[-2000:])


GROUPS = {
    "npy": group_npy, "npz": group_npz, "safetensors": group_safetensors, "csv": group_csv, "embeddings": group_embeddings,
    "text": group_text_readers, "numerics": group_numerics, "determinism": group_determinism, "sigint": group_interrupt,
    "kill-resume": group_kill_resume,
}


def main():
    global CLI, WORK
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cli", help="path to Rankwise.Cli.dll (default: build src/Rankwise.Cli in Release)")
    parser.add_argument("--only", help="comma-separated groups: " + ",".join(list(GROUPS) + ["big"]))
    parser.add_argument("--skip-big", action="store_true", help="skip Spearman/Kendall on 10^8 pairs")
    parser.add_argument("--big-n", type=int, default=100_000_000)
    parser.add_argument("--fuzz-iter", type=int, default=0, help="also run the CsCheck CLI fuzz tests with this many inputs")
    args = parser.parse_args()
    if args.cli:
        CLI = os.path.abspath(args.cli)
    else:
        subprocess.run(["dotnet", "build", os.path.join(ROOT, "src", "Rankwise.Cli"), "-c", "Release", "-m:1", "-v", "q", "-nologo"], check=True)
        CLI = os.path.join(ROOT, "src", "Rankwise.Cli", "bin", "Release", "net10.0", "Rankwise.Cli.dll")
    WORK = tempfile.mkdtemp(prefix="rankwise-stress-")
    only = set(args.only.split(",")) if args.only else None
    started = time.monotonic()
    figures = None
    try:
        for name, fn in GROUPS.items():
            if only is None or name in only:
                print(f"== {name}", flush=True)
                try:
                    fn()
                except Exception as e:  # a bug in this script, or output that is not what the checks expect
                    record(name, "the group stopped", False, repr(e))
        if args.fuzz_iter:
            print("== cscheck-fuzz", flush=True)
            fuzz_tests(args.fuzz_iter)
        if (only is None and not args.skip_big) or (only and "big" in only):
            print("== big-1e8", flush=True)
            figures = group_big(args.big_n)
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
    print()
    print(f"| case group | tried | passed |")
    print(f"|---|---:|---:|")
    for group, (tried, passed) in RESULTS.items():
        print(f"| {group} | {tried} | {passed} |")
    total_tried = sum(t for t, _ in RESULTS.values())
    total_passed = sum(p for _, p in RESULTS.values())
    print(f"| **total** | **{total_tried}** | **{total_passed}** |")
    if figures:
        print()
        for method, wall, rss, stat in figures:
            print(f"{method}: n = {args.big_n:,} float32 pairs, wall {wall:.1f} s, peak RSS {rss:.2f} GB, statistic {stat}")
    print(f"\n{time.monotonic() - started:.0f} s in all")
    if FAILURES:
        print("\nFailures:")
        for f in FAILURES:
            print("  " + f)
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())

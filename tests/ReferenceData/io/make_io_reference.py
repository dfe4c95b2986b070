# Generates the IO reference data for Rankwise.Tests/IO.
# Command (from the repository root, numpy 1.24):
#   /usr/bin/python3 tests/ReferenceData/io/make_io_reference.py
# Writes small files under tests/ReferenceData/io/{npy,npz,safetensors,csv,embeddings,written}/ and manifest.json
# with the expected values (row-major, float64; non-finite values as the strings "nan", "inf", "-inf").
import json
import os
import struct

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
manifest = {"numpy_version": np.__version__}


def enc(v):
    v = float(v)
    if np.isnan(v):
        return "nan"
    if np.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def entry(a, **extra):
    a = np.asarray(a)
    d = {
        "shape": list(a.shape),
        "values64": [enc(v) for v in np.ravel(a.astype(np.float64), order="C")],
        "values32": [enc(v) for v in np.ravel(a.astype(np.float32).astype(np.float64), order="C")],
    }
    d.update(extra)
    return d


def path(*parts):
    p = os.path.join(HERE, *parts)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    return p


# ---------------------------------------------------------------- npy: every dtype x order x endianness
def sample(dt):
    kind, size = dt.kind, dt.itemsize
    if kind == "b":
        return np.array([[True, False, True, True], [False, False, True, False], [True, True, False, False]])
    if kind == "i":
        info = np.iinfo(dt)
        return np.array([[0, 1, -1, info.min], [info.max, 7, -42, 100], [info.min + 1, info.max - 1, 3, -3]])
    if kind == "u":
        info = np.iinfo(dt)
        return np.array([[0, 1, 2, info.max], [info.max - 1, 7, 42, 100], [3, 5, 9, info.max // 3]], dtype=np.uint64)
    if size == 2:
        return np.array([[0.0, -0.0, 1.5, -2.25], [65504.0, 6e-8, np.inf, -np.inf], [np.nan, 0.333251953125, -1e-3, 1024.0]])
    if size == 4:
        return np.array([[0.0, -0.0, 0.1, -2.5], [3.4028234663852886e38, 1.401298464324817e-45, np.inf, -np.inf], [np.nan, 1 / 3, -1e-30, 16777217.0]])
    return np.array([[0.0, -0.0, 0.1, -2.5], [1.7976931348623157e308, 5e-324, np.inf, -np.inf], [np.nan, 1 / 3, -1e-300, 9007199254740993.0]])


npy = {}
for code in ["b1", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "f2", "f4", "f8"]:
    for endian, tag in [("<", "le"), (">", "be")]:
        dt = np.dtype(endian + code)
        if dt.itemsize == 1 and tag == "be":
            continue
        a = sample(dt).astype(dt)
        for order in ["C", "F"]:
            name = f"{code}_{order}_{tag}.npy"
            arr = np.asfortranarray(a) if order == "F" else np.ascontiguousarray(a)
            np.save(path("npy", name), arr)
            npy[name] = entry(a, descr=dt.str, fortran_order=order == "F")

# 0-d, 1-d, empty, version 2.0 / 3.0 headers, unsupported shapes and dtypes
a = np.array(3.5)
np.save(path("npy", "f8_0d.npy"), a)
npy["f8_0d.npy"] = entry(a)
a = np.array([1.0, -2.0, 0.5, 1e10, -7.25])
np.save(path("npy", "f8_1d.npy"), a)
npy["f8_1d.npy"] = entry(a)
a = np.arange(-3, 4, dtype=">i4")
np.save(path("npy", "i4_1d_be.npy"), a)
npy["i4_1d_be.npy"] = entry(a)
a = np.array([True, False, True])
np.save(path("npy", "b1_1d.npy"), a)
npy["b1_1d.npy"] = entry(a)
for name, arr in [("f8_empty_1d.npy", np.zeros((0,))), ("f8_empty_0x3.npy", np.zeros((0, 3))), ("f4_empty_2x0.npy", np.zeros((2, 0), np.float32))]:
    np.save(path("npy", name), arr)
    npy[name] = entry(arr)
a = (np.arange(12, dtype=np.float64).reshape(3, 4) - 5.5) / 3
for version in [(2, 0), (3, 0)]:
    for order in ["C", "F"]:
        name = f"f8_v{version[0]}_{order}.npy"
        with open(path("npy", name), "wb") as f:
            np.lib.format.write_array(f, np.asfortranarray(a) if order == "F" else a, version=version)
        npy[name] = entry(a)
b = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
np.save(path("npy", "f4_3d.npy"), b)
np.save(path("npy", "object.npy"), np.array([{"a": 1}, None], dtype=object), allow_pickle=True)
np.save(path("npy", "c16.npy"), np.array([1 + 2j, 3 - 1j]))
np.save(path("npy", "U5.npy"), np.array(["ab", "cde"]))
manifest["npy"] = npy

# ---------------------------------------------------------------- npz: stored and deflated
m = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.5]])
w = np.array([10, -20, 30, -40], dtype=np.int16)
s = np.array(2.5, dtype=np.float32)
npz = {}
np.savez(path("npz", "stored.npz"), m, weights=w, scalar=s)
np.savez_compressed(path("npz", "deflated.npz"), m, weights=w, scalar=s)
for f in ["stored.npz", "deflated.npz"]:
    npz[f] = {"members": list(np.load(path("npz", f)).files), "arr_0": entry(m), "weights": entry(w), "scalar": entry(s)}
single = np.linspace(0, 1, 6).reshape(3, 2)
np.savez(path("npz", "single.npz"), single)
npz["single.npz"] = {"members": ["arr_0"], "arr_0": entry(single)}
manifest["npz"] = npz


# ---------------------------------------------------------------- safetensors, written by hand from the format description
def write_safetensors(p, tensors, metadata=None):
    header = {}
    blobs = []
    offset = 0
    for name, (dtype, shape, raw) in tensors.items():
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    if metadata is not None:
        header["__metadata__"] = metadata
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)  # pad to 8-byte alignment, as the reference writer does
    with open(p, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for raw in blobs:
            f.write(raw)


st_types = {"BOOL": "b1", "U8": "u1", "I8": "i1", "U16": "u2", "I16": "i2", "U32": "u4", "I32": "i4", "U64": "u8", "I64": "i8", "F16": "f2", "F32": "f4", "F64": "f8"}
tensors = {}
st = {}
for stname, code in st_types.items():
    dt = np.dtype("<" + code) if code[1] != "1" else np.dtype(code)
    a = sample(dt).astype(dt)[:2, :3]
    tensors[stname.lower()] = (stname, a.shape, np.ascontiguousarray(a).tobytes())
    st[stname.lower()] = entry(a)
# BF16: the upper 16 bits of float32 values
f32 = np.array([[1.0, -2.5, 0.15625], [3.0e38, np.inf, np.nan], [-1e-20, 7.0, 100.5]], dtype="<f4")
bits = (f32.view("<u4") >> 16).astype("<u2")
back = (bits.astype("<u4") << 16).view("<f4")
tensors["bf16"] = ("BF16", bits.shape, bits.tobytes())
st["bf16"] = entry(back)
vec = np.array([0.5, -1.5, 2.25, 8.0], dtype="<f4")
tensors["vector"] = ("F32", vec.shape, vec.tobytes())
st["vector"] = entry(vec)
sc = np.array(-3.75, dtype="<f8")
tensors["scalar"] = ("F64", (), sc.tobytes())
st["scalar"] = entry(sc)
write_safetensors(path("safetensors", "all_dtypes.safetensors"), tensors, {"format": "pt", "note": "rankwise reference"})
one = np.arange(6, dtype="<f4").reshape(2, 3) / 4
write_safetensors(path("safetensors", "single.safetensors"), {"weight": ("F32", one.shape, one.tobytes())})
st_single = {"weight": entry(one)}
manifest["safetensors"] = {"all_dtypes.safetensors": {"metadata": {"format": "pt", "note": "rankwise reference"}, "tensors": st},
                           "single.safetensors": {"tensors": st_single}}

# ---------------------------------------------------------------- CSV / TSV
csv = {}


def write_text(name, text, expected_names, expected_rows, encoding="utf-8", newline="\n"):
    data = text.replace("\n", newline).encode(encoding)
    with open(path("csv", name), "wb") as f:
        f.write(data)
    arr = np.array(expected_rows, dtype=np.float64)
    csv[name] = entry(arr, columns=expected_names)


write_text("header_comma.csv", "a,b,c\n1,2,3\n4.5,-6e-3,7\n-0.25,1E+3,8\n", ["a", "b", "c"], [[1, 2, 3], [4.5, -6e-3, 7], [-0.25, 1e3, 8]])
write_text("noheader.csv", "1,2\n3,4\n5,6\n", None, [[1, 2], [3, 4], [5, 6]])
write_text("semicolon.csv", "x;y\n1.5;2\n3;-4.25\n", ["x", "y"], [[1.5, 2], [3, -4.25]])
write_text("tabs.tsv", "u\tv\tw\n1\t2\t3\n4\t5\t6\n", ["u", "v", "w"], [[1, 2, 3], [4, 5, 6]])
write_text("tabs.txt", "u\tv\n0.5\t1\n2\t3\n", ["u", "v"], [[0.5, 1], [2, 3]])
write_text("quoted.csv", 'id,"score, raw","say ""hi""","multi\nline"\n1,"2.5",3,"4"\n5,6,"7",8\n',
           ["id", "score, raw", 'say "hi"', "multi\nline"], [[1, 2.5, 3, 4], [5, 6, 7, 8]])
write_text("missing.csv", "a,b,c\n1,,NA\nNaN,nan,null\n2,N/A,3\ninf,-inf,Infinity\n", ["a", "b", "c"],
           [[1, np.nan, np.nan], [np.nan, np.nan, np.nan], [2, np.nan, 3], [np.inf, -np.inf, np.inf]])
write_text("crlf_bom.csv", "\ufeffp,q\n1,2\n\n3,4\n", ["p", "q"], [[1, 2], [3, 4]], encoding="utf-8", newline="\r\n")
np.savetxt(path("csv", "savetxt.txt"), np.array([[1.0, 2.5, -3.0], [4.0, 1e-7, 6.0]]))
csv["savetxt.txt"] = entry(np.array([[1.0, 2.5, -3.0], [4.0, 1e-7, 6.0]]), columns=None)
write_text("labels.csv", "word,human,model\ncat,1.5,0.9\ndog,2,0.7\n\"a,b\",3,0.1\n", ["word", "human", "model"], [[np.nan, 1.5, 0.9], [np.nan, 2, 0.7], [np.nan, 3, 0.1]])
csv["labels.csv"]["words"] = ["cat", "dog", "a,b"]
write_text("single_column.csv", "score\n0.5\n\n1.5\n2.5\n", ["score"], [[0.5], [1.5], [2.5]])
manifest["csv"] = csv

# ---------------------------------------------------------------- word2vec text/binary, GloVe
rng = np.random.default_rng(20240501)
words = ["the", ",", "café", "naïve", "x1", "日本"]
vecs = np.round(rng.normal(size=(len(words), 5)), 4).astype(np.float32)
emb = {}
# word2vec text (fastText style: trailing space after the last value), .txt extension to exercise detection
lines = [f"{len(words)} {vecs.shape[1]}"] + [w + " " + " ".join(repr(float(v)) for v in row) + " " for w, row in zip(words, vecs)]
with open(path("embeddings", "w2v_text.txt"), "w", encoding="utf-8", newline="\n") as f:
    f.write("\n".join(lines) + "\n")
with open(path("embeddings", "w2v_text.vec"), "w", encoding="utf-8", newline="\n") as f:
    f.write("\n".join(lines) + "\n")
# word2vec binary: header, then word + space + float32 LE, newline after each vector (original C tool)
with open(path("embeddings", "w2v_binary.bin"), "wb") as f:
    f.write(f"{len(words)} {vecs.shape[1]}\n".encode())
    for w, row in zip(words, vecs):
        f.write(w.encode("utf-8") + b" " + row.astype("<f4").tobytes() + b"\n")
# ... and without newlines (gensim style), .w2v extension to exercise detection
with open(path("embeddings", "w2v_binary_nonl.w2v"), "wb") as f:
    f.write(f"{len(words)} {vecs.shape[1]}\n".encode())
    for w, row in zip(words, vecs):
        f.write(w.encode("utf-8") + b" " + row.astype("<f4").tobytes())
# GloVe: no header
with open(path("embeddings", "glove.txt"), "w", encoding="utf-8", newline="\n") as f:
    for w, row in zip(words, vecs):
        f.write(w + " " + " ".join(repr(float(v)) for v in row) + "\n")
for name in ["w2v_text.txt", "w2v_text.vec", "w2v_binary.bin", "w2v_binary_nonl.w2v", "glove.txt"]:
    emb[name] = entry(vecs.astype(np.float64), words=words)
manifest["embeddings"] = emb

# ---------------------------------------------------------------- arrays saved by numpy, for byte-identical writer tests
written = {}
rng = np.random.default_rng(7)
cases = {
    "f8_3x4.npy": rng.normal(size=(3, 4)),
    "f8_1x1.npy": np.array([[np.pi]]),
    "f8_150x2.npy": rng.normal(size=(150, 2)),
    "f8_0x3.npy": np.zeros((0, 3)),
    "f8_vec7.npy": np.array([0.0, -0.0, 1.0, np.nan, np.inf, -np.inf, 1e-310]),
    "f8_vec0.npy": np.zeros((0,)),
    "f8_vec1000.npy": np.arange(1000) / 7.0,
    "f4_3x4.npy": rng.normal(size=(3, 4)).astype(np.float32),
    "f4_vec5.npy": np.array([0.1, -2.5, np.nan, 3e38, 1e-45], dtype=np.float32),
}
for name, arr in cases.items():
    np.save(path("written", name), arr)
    written[name] = entry(arr)
manifest["written"] = written

with open(path("manifest.json"), "w", encoding="utf-8") as f:
    json.dump(manifest, f, indent=1, ensure_ascii=False)
    f.write("\n")

# Generates neighbors_reference.json for tests/Rankwise.Torch.Tests/Neighbors and CoreInference (Wilcoxon).
# Command (from the repository root):
#   /usr/bin/python3 tests/ReferenceData/neighbors/make_neighbors_reference.py
# Needs numpy 1.24, scipy 1.10, scikit-learn 1.2 (Debian's python3-sklearn).
#
# Contents
#   knn_cases      sklearn NearestNeighbors(algorithm='brute') neighbours on random data without near-ties
#                  (cosine, euclidean; self included = kneighbors(X), self excluded = kneighbors(), query vs base),
#                  with exact float64 scores of those neighbours computed directly in numpy.
#   tie_cases      an independent numpy brute force of Rankwise's documented rule on integer data with exact ties,
#                  duplicate rows, zero rows and positive multiples: exact score, ties by ascending index,
#                  self excluded by index.
#   overlap_cases  NNO / mNNO / Jaccard for several K from sklearn neighbour lists (Collell & Moens' definition),
#                  and Huh et al.'s mutual_knn (normalise, inner products, diagonal filled with -1e8, argsort).
#   mapping_cases  the three-way report of a least-squares linear map: per-item NNO, scipy.stats.wilcoxon on the
#                  differences, and (small N) the exact sign-flip scipy.stats.permutation_test of their mean.
#   wilcoxon_cases scipy.stats.wilcoxon on random paired data with ties and zeros, all options.
import json
import os
import warnings

import numpy as np
import scipy
import scipy.stats as st
import sklearn
from sklearn.neighbors import NearestNeighbors

assert scipy.__version__.startswith("1.10"), scipy.__version__
assert sklearn.__version__.startswith("1.2"), sklearn.__version__

rng = np.random.default_rng(20240611)
out = {"versions": {"numpy": np.__version__, "scipy": scipy.__version__, "sklearn": sklearn.__version__}}


def exact_scores(q, b, metric):
    """float64 scores of every (query, base) pair, computed directly."""
    if metric == "cosine":
        nq = np.sqrt((q * q).sum(1))
        nb = np.sqrt((b * b).sum(1))
        denom = nq[:, None] * nb[None, :]
        dot = q @ b.T
        with np.errstate(invalid="ignore", divide="ignore"):
            s = np.where(denom == 0, 0.0, dot / np.where(denom == 0, 1.0, denom))
        return s
    if metric == "inner_product":
        return q @ b.T
    return ((q[:, None, :] - b[None, :, :]) ** 2).sum(2)  # squared distances


def brute_force(q, b, k, metric, exclude_self):
    """Rankwise's rule: exact score, similarity descending / distance ascending, ties by ascending index."""
    s = exact_scores(q, b, metric)
    idx, sc = [], []
    for i in range(q.shape[0]):
        cols = np.arange(b.shape[0])
        row = s[i]
        if exclude_self:
            keep = cols != i
            cols, row = cols[keep], row[keep]
        key = row if metric == "euclidean" else -row
        order = np.lexsort((cols, key))[:k]
        idx.append(cols[order].tolist())
        vals = row[order]
        sc.append((np.sqrt(vals) if metric == "euclidean" else vals).tolist())
    return idx, sc


def min_gap(q, b, k, metric, exclude_self):
    """Smallest gap between consecutive sorted scores among the first k + 1 of each row (near-tie detector)."""
    s = exact_scores(q, b, metric)
    if metric == "euclidean":
        s = -np.sqrt(s)
    gaps = []
    for i in range(q.shape[0]):
        row = s[i].copy()
        if exclude_self:
            row = np.delete(row, i)
        top = np.sort(row)[::-1][: k + 1]
        gaps.append(np.min(-np.diff(top)) if len(top) > 1 else 1.0)
    return float(np.min(gaps))


def sk_metric(metric):
    return {"cosine": "cosine", "euclidean": "euclidean"}[metric]


def knn_case(name, x, q, k, metric, mode):
    x64 = x.astype(np.float64)
    nn = NearestNeighbors(n_neighbors=k, algorithm="brute", metric=sk_metric(metric)).fit(x64)
    if mode == "include":
        _, ind = nn.kneighbors(x64, n_neighbors=k)
        queries = x64
        exclude = False
    elif mode == "exclude":
        _, ind = nn.kneighbors(n_neighbors=k)
        queries = x64
        exclude = True
    else:
        queries = q.astype(np.float64)
        _, ind = nn.kneighbors(queries, n_neighbors=k)
        exclude = False
    gap = min_gap(queries, x64, k, metric, exclude)
    assert gap > 1e-9, (name, gap)
    bf_idx, bf_sc = brute_force(queries, x64, k, metric, exclude)
    assert bf_idx == ind.tolist(), name
    case = {"name": name, "metric": metric, "mode": mode, "k": k, "dtype": str(x.dtype),
            "x": x.tolist(), "indices": ind.tolist(), "scores": bf_sc}
    if mode == "query":
        case["q"] = q.tolist()
    out.setdefault("knn_cases", []).append(case)


knn_shapes = [(120, 8, 7), (61, 3, 5), (200, 30, 10), (45, 1, 3), (300, 12, 20)]
for si, (n, d, k) in enumerate(knn_shapes):
    for metric in ["cosine", "euclidean"]:
        x = rng.standard_normal((n, d))
        if metric == "euclidean" and si == 2:
            x = x + 1000.0  # large common offset: exercises centring and the exact re-ranking
        if si == 3 and metric == "cosine":
            continue  # d = 1 cosine neighbours are all ties: covered by tie_cases
        q = rng.standard_normal((n // 3 + 1, d)) + (1000.0 if metric == "euclidean" and si == 2 else 0.0)
        for mode in ["include", "exclude", "query"]:
            knn_case(f"{metric}_{n}x{d}_k{k}_{mode}", x, q, k, metric, mode)
# float32 input: references computed on the float64 values of the float32 data
for metric in ["cosine", "euclidean"]:
    x = rng.standard_normal((150, 16)).astype(np.float32)
    q = rng.standard_normal((40, 16)).astype(np.float32)
    for mode in ["include", "exclude", "query"]:
        knn_case(f"{metric}_150x16_k8_{mode}_float32", x, q, 8, metric, mode)

# ---------------------------------------------------------------- ties
tie_cases = []


def tie_case(name, x, k, metric, exclude):
    x = x.astype(np.float64)
    idx, sc = brute_force(x, x, k, metric, exclude)
    tie_cases.append({"name": name, "metric": metric, "exclude_self": exclude, "k": k,
                      "x": x.tolist(), "indices": idx, "scores": sc})


base = rng.integers(-2, 3, size=(40, 3)).astype(np.float64)
dup = np.vstack([base, base[:10], 2 * base[10:15], np.zeros((3, 3)), base[:5]])  # duplicates, multiples, zeros
perm = rng.permutation(dup.shape[0])
dup = dup[perm]
for metric in ["cosine", "euclidean", "inner_product"]:
    for exclude in [True, False]:
        tie_case(f"ties_{metric}_{'excl' if exclude else 'incl'}", dup, 12, metric, exclude)
d1 = rng.integers(-3, 4, size=(30, 1)).astype(np.float64)
for metric in ["cosine", "euclidean", "inner_product"]:
    tie_case(f"d1_{metric}", d1, 9, metric, True)
allsame = np.tile(rng.integers(-2, 3, size=(1, 4)).astype(np.float64), (25, 1))
for metric in ["cosine", "euclidean", "inner_product"]:
    tie_case(f"identical_rows_{metric}", allsame, 24, metric, True)
wide = rng.integers(-1, 2, size=(80, 37)).astype(np.float64)
wide[40:60] = wide[:20]
for metric in ["cosine", "euclidean"]:
    tie_case(f"wide_dups_{metric}", wide, 15, metric, True)
out["tie_cases"] = tie_cases

# ---------------------------------------------------------------- overlaps
overlap_cases = []


def sk_lists(x, kmax, metric, include):
    nn = NearestNeighbors(n_neighbors=kmax, algorithm="brute", metric=metric).fit(x)
    if include:
        return nn.kneighbors(x, n_neighbors=kmax)[1]
    return nn.kneighbors(n_neighbors=kmax)[1]


def mutual_knn_ref(a, b, topk, normalize):
    """Huh et al. (2024) metrics.mutual_knn, in numpy (float64)."""
    def knn(f):
        if normalize:
            f = f / np.maximum(np.linalg.norm(f, axis=1, keepdims=True), 1e-12)
        s = f @ f.T
        np.fill_diagonal(s, -1e8)
        return np.argsort(-s, axis=1, kind="stable")[:, :topk]
    ka, kb = knn(a), knn(b)
    n = a.shape[0]
    ma = np.zeros((n, n))
    mb = np.zeros((n, n))
    ma[np.arange(n)[:, None], ka] = 1.0
    mb[np.arange(n)[:, None], kb] = 1.0
    return float(((ma * mb).sum(1) / topk).mean())


for ci, (n, dv, dz) in enumerate([(150, 10, 6), (90, 5, 5), (60, 20, 3)]):
    v = rng.standard_normal((n, dv))
    z = v[:, :min(dv, dz)] @ rng.standard_normal((min(dv, dz), dz)) + 0.7 * rng.standard_normal((n, dz))
    ks = [1, 3, 5, 10, 20]
    for metric in ["cosine", "euclidean"]:
        for include in [False, True]:
            la = sk_lists(v, max(ks), metric, include)
            lb = sk_lists(z, max(ks), metric, include)
            for M, L in ((v, la), (z, lb)):
                assert min_gap(M, M, max(ks), metric, not include) > 1e-9
            per_k = []
            for k in ks:
                nno = [len(set(la[i, :k]) & set(lb[i, :k])) for i in range(n)]
                per_k.append({"k": k, "nno": nno, "mnno": sum(nno) / (k * n),
                              "jaccard": float(np.mean([o / (2 * k - o) for o in nno]))})
            overlap_cases.append({"name": f"overlap{ci}_{metric}_{'incl' if include else 'excl'}", "metric": metric,
                                  "include_self": include, "v": v.tolist(), "z": z.tolist(), "per_k": per_k})
    mk = {str(k): mutual_knn_ref(v, z, k, True) for k in [1, 5, 10]}
    mk_raw = {str(k): mutual_knn_ref(v, z, k, False) for k in [1, 5, 10]}
    overlap_cases[-1]["mutual_knn"] = mk
    overlap_cases[-1]["mutual_knn_unnormalized"] = mk_raw
out["overlap_cases"] = overlap_cases

# ---------------------------------------------------------------- mapping report
mapping_cases = []
for ci, (n, dx, dy, k) in enumerate([(200, 12, 8, 10), (12, 4, 3, 3), (80, 6, 6, 5)]):
    x = rng.standard_normal((n, dx))
    y = np.tanh(x[:, :dy] @ rng.standard_normal((dy, dy))) + 0.5 * rng.standard_normal((n, dy))
    w, *_ = np.linalg.lstsq(np.hstack([x, np.ones((n, 1))]), y, rcond=None)
    fx = np.hstack([x, np.ones((n, 1))]) @ w
    lx, ly, lf = (sk_lists(m, k, "cosine", False) for m in (x, y, fx))
    for m in (x, y, fx):
        assert min_gap(m, m, k, "cosine", True) > 1e-9
    nxf = [len(set(lx[i]) & set(lf[i])) for i in range(n)]
    nyf = [len(set(ly[i]) & set(lf[i])) for i in range(n)]
    nxy = [len(set(lx[i]) & set(ly[i])) for i in range(n)]
    d = np.array(nxf, dtype=float) - np.array(nyf, dtype=float)
    case = {"name": f"mapping{ci}", "k": k, "x": x.tolist(), "y": y.tolist(), "fx": fx.tolist(),
            "nno_x_fx": nxf, "nno_y_fx": nyf, "nno_x_y": nxy,
            "mnno_x_fx": sum(nxf) / (k * n), "mnno_y_fx": sum(nyf) / (k * n), "mnno_x_y": sum(nxy) / (k * n)}
    if np.any(d != 0):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = st.wilcoxon(d)
        case["wilcoxon_statistic"] = float(r.statistic)
        case["wilcoxon_pvalue"] = float(r.pvalue)
    if n <= 13:
        r = st.permutation_test((d,), lambda s, axis: np.mean(s, axis=axis), permutation_type="samples",
                                n_resamples=9999, vectorized=True)
        case["signflip_pvalue"] = float(r.pvalue)
        case["signflip_statistic"] = float(r.statistic)
    mapping_cases.append(case)
out["mapping_cases"] = mapping_cases

# ---------------------------------------------------------------- Wilcoxon
wilcoxon_cases = []
zero_methods = ["wilcox", "pratt", "zsplit"]
alternatives = ["two-sided", "less", "greater"]
methods = ["auto", "exact", "approx"]
sizes = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 17, 20, 25, 30, 40, 49, 50, 51, 60, 80, 120]
case_id = 0
while len(wilcoxon_cases) < 140:
    n = int(rng.choice(sizes))
    kind = case_id % 5
    if kind == 0:  # continuous, no ties
        x = rng.standard_normal(n) + 0.3
        y = rng.standard_normal(n)
    elif kind == 1:  # rounded: ties and zeros
        x = np.round(rng.standard_normal(n) * 2) / 2
        y = np.round(rng.standard_normal(n) * 2) / 2
    elif kind == 2:  # integer counts like NNO differences
        x = rng.integers(0, 6, n).astype(float)
        y = rng.integers(0, 5, n).astype(float)
    elif kind == 3:  # ties without zeros
        x = rng.choice([-3.0, -1.0, 1.0, 2.0, 2.0, 4.0], n)
        y = np.zeros(n)
    else:  # many zeros
        x = rng.integers(0, 2, n).astype(float)
        y = rng.integers(0, 2, n).astype(float)
    zm = zero_methods[case_id % 3]
    alt = alternatives[(case_id // 3) % 3]
    method = methods[(case_id // 9) % 3]
    corr = bool((case_id // 27) % 2)
    nan_policy = "propagate"
    if case_id % 17 == 5 and n >= 3:
        x[1] = np.nan
        nan_policy = ["omit", "propagate"][case_id % 2]
    case_id += 1
    entry = {"x": x.tolist(), "y": y.tolist(), "zero_method": zm, "alternative": alt, "method": method,
             "correction": corr, "nan_policy": nan_policy}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            r = st.wilcoxon(x, y, zero_method=zm, correction=corr, alternative=alt, method=method,
                            nan_policy=nan_policy)
            entry["statistic"] = float(r.statistic)
            entry["pvalue"] = float(r.pvalue)
            entry["zstatistic"] = float(r.zstatistic) if hasattr(r, "zstatistic") else None
            entry["error"] = None
        except ValueError as e:
            entry["error"] = str(e)
        entry["warnings"] = [str(w.message) for w in caught]
    wilcoxon_cases.append(entry)
# scipy's documented example (Wilcoxon 1945 corn heights)
d = [6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75]
for alt in alternatives:
    for method in methods:
        r = st.wilcoxon(d, alternative=alt, method=method)
        wilcoxon_cases.append({"x": [float(v) for v in d], "y": None, "zero_method": "wilcox", "alternative": alt,
                               "method": method, "correction": False, "nan_policy": "propagate",
                               "statistic": float(r.statistic), "pvalue": float(r.pvalue),
                               "zstatistic": float(r.zstatistic) if hasattr(r, "zstatistic") else None,
                               "error": None, "warnings": []})
out["wilcoxon_cases"] = wilcoxon_cases



def no_nan(o):
    """JSON has no NaN: encode it as the string "NaN" (the tests read it back as double.NaN)."""
    if isinstance(o, float) and o != o:
        return "NaN"
    if isinstance(o, dict):
        return {k: no_nan(v) for k, v in o.items()}
    if isinstance(o, list):
        return [no_nan(v) for v in o]
    return o


path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "neighbors_reference.json")
with open(path, "w") as f:
    json.dump(no_nan(out), f, allow_nan=False)
print(path, os.path.getsize(path), "bytes;",
      {k: len(v) for k, v in out.items() if isinstance(v, list)})

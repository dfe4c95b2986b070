# Generates softrank_reference.json, the golden data for Rankwise.Torch.Ranking and Rankwise.Torch.Losses.
#
# Command (from the repository root; numpy only, deterministic):
#   /usr/bin/python3 tests/ReferenceData/softrank/make_softrank_reference.py
#
# This is an independent numpy re-implementation of Blondel, Teboul, Berthet & Djolonga,
# "Fast Differentiable Sorting and Ranking", ICML 2020, with the semantics of torchsort
# (teddykoker/torchsort) and the current google-research/fast-soft-sort:
#
#   soft_rank(x)  = P(-x/eps or x/eps, rho)            (l2)   or exp(P_kl(x*scale, log rho))  (kl)
#   soft_sort(x)  = sign * P(rho/eps, sign*x)           (l2 / kl)
#
# with rho = (n, n-1, ..., 1) and every projection P reduced to one isotonic problem on sorted data,
# solved here by a deliberately naive pool-adjacent-violators loop (different from the stack-based
# C# solver, so the two implementations check each other).  Full Jacobians are built from the block
# structure of the isotonic solution and verified against central finite differences before anything
# is written.  JVPs and VJPs with random vectors are stored for the C# tests.
#
# Notes on the semantics chosen (see the C# XML docs too):
# * soft_sort uses w = rho / eps (torchsort; the current fast-soft-sort).  An early fast-soft-sort
#   version had `arange(n)[::-1] + 1 / eps`, i.e. (n-1-k) + 1/eps.
# * the kl soft_sort derivative is the exact one, softmax of the sorted values within each block
#   (as torchsort's C++ backward).  fast-soft-sort's numpy SoftSort.jvp/vjp use the softmax of
#   rho/eps instead (its `self.isotonic_.s = s` line sets an attribute Isotonic never reads); the
#   finite-difference check below would reject that.
# * adjacent blocks with equal values are merged (PAV merges on <=), so ties always share a block.

import json
import os

import numpy as np

RNG = np.random.default_rng(20200712)


# ----------------------------------------------------------------------------------------------
# Isotonic regression, decreasing constraints, naive PAV (merge the first adjacent violator pair,
# restart).  Blocks are [start, end) with their statistics.
# ----------------------------------------------------------------------------------------------

def isotonic_l2_blocks(y):
    """argmin_{v1>=...>=vn} 0.5||v-y||^2 -> list of (start, end, value)."""
    blocks = [[k, k + 1, float(y[k])] for k in range(len(y))]  # start, end, sum
    def value(b):
        return b[2] / (b[1] - b[0])
    merged = True
    while merged:
        merged = False
        for b in range(len(blocks) - 1):
            if value(blocks[b]) <= value(blocks[b + 1]):
                blocks[b] = [blocks[b][0], blocks[b + 1][1], blocks[b][2] + blocks[b + 1][2]]
                del blocks[b + 1]
                merged = True
                break
    return [(s, e, total / (e - s)) for s, e, total in blocks]


def logsumexp(a):
    a = np.asarray(a, dtype=np.float64)
    m = np.max(a)
    return m + np.log(np.sum(np.exp(a - m)))


def isotonic_kl_blocks(y, w):
    """argmin_{v1>=...>=vn} <exp(y-v), 1> + <exp(w), v> -> list of (start, end, value, lse_y)."""
    blocks = [[k, k + 1] for k in range(len(y))]
    def value(b):
        return logsumexp(y[b[0]:b[1]]) - logsumexp(w[b[0]:b[1]])
    merged = True
    while merged:
        merged = False
        for b in range(len(blocks) - 1):
            if value(blocks[b]) <= value(blocks[b + 1]):
                blocks[b] = [blocks[b][0], blocks[b + 1][1]]
                del blocks[b + 1]
                merged = True
                break
    return [(s, e, value([s, e]), logsumexp(y[s:e])) for s, e in blocks]


def block_gap(blocks):
    """Smallest difference between adjacent block values (inf for one block)."""
    vals = [b[2] for b in blocks]
    if len(vals) < 2:
        return np.inf
    return min(vals[i] - vals[i + 1] for i in range(len(vals) - 1))


def descending_order(t):
    # stable descending argsort; ties share a block, so their order does not matter
    return np.argsort(-t, kind="stable")


# ----------------------------------------------------------------------------------------------
# Soft rank and soft sort of one row: value, full Jacobian d out / d x, smallest block gap.
# ----------------------------------------------------------------------------------------------

def soft_rank_row(x, eps, reg, descending):
    n = len(x)
    scale = (-1.0 if descending else 1.0) / eps
    t = x * scale
    perm = descending_order(t)
    s = t[perm]
    rho = np.arange(n, 0, -1).astype(np.float64)
    out = np.empty(n)
    m = np.zeros((n, n))  # d v / d s in sorted coordinates
    if reg == "l2":
        blocks = isotonic_l2_blocks(s - rho)
        for start, end, val in blocks:
            out[perm[start:end]] = s[start:end] - val
            m[start:end, start:end] = 1.0 / (end - start)
    else:
        blocks = isotonic_kl_blocks(s, np.log(rho))
        for start, end, val, lse_s in blocks:
            out[perm[start:end]] = np.exp(s[start:end] - val)
            m[start:end, start:end] = np.exp(s[start:end] - lse_s)[None, :]
    p = np.zeros((n, n))
    p[np.arange(n), perm] = 1.0            # (P t)_k = t_perm[k]
    dprimal = np.eye(n) - p.T @ m @ p      # d primal / d t, original coordinates
    if reg == "kl":
        dprimal = out[:, None] * dprimal
    return out, dprimal * scale, block_gap(blocks)


def soft_sort_row(x, eps, reg, descending):
    n = len(x)
    sign = 1.0 if descending else -1.0
    t = sign * x
    perm = descending_order(t)
    s = t[perm]
    w = np.arange(n, 0, -1).astype(np.float64) / eps
    out = np.empty(n)
    jac = np.zeros((n, n))
    if reg == "l2":
        blocks = isotonic_l2_blocks(w - s)
        for start, end, val in blocks:
            out[start:end] = sign * (w[start:end] - val)
            for k in range(start, end):
                jac[k, perm[start:end]] = 1.0 / (end - start)
    else:
        blocks = isotonic_kl_blocks(w, s)
        for start, end, val, _ in blocks:
            out[start:end] = sign * (w[start:end] - val)
            weights = np.exp(s[start:end] - logsumexp(s[start:end]))
            for k in range(start, end):
                jac[k, perm[start:end]] = weights
    return out, jac, block_gap(blocks)


def batched(fn, x, *args):
    outs, jacs, gaps = [], [], []
    for row in x:
        o, j, g = fn(row, *args)
        outs.append(o)
        jacs.append(j)
        gaps.append(g)
    return np.array(outs), jacs, min(gaps)


def check_jacobian(fn, x, args, jac, h=1e-6):
    n = len(x)
    num = np.zeros((n, n))
    for j in range(n):
        xp = x.copy(); xp[j] += h
        xm = x.copy(); xm[j] -= h
        num[:, j] = (fn(xp, *args)[0] - fn(xm, *args)[0]) / (2 * h)
    err = np.max(np.abs(num - jac)) if n else 0.0
    assert err < 1e-6 * max(1.0, np.max(np.abs(jac)) if n else 1.0), (fn.__name__, args, err)


# ----------------------------------------------------------------------------------------------
# Exact ranks, sigmoid sorter and the losses.
# ----------------------------------------------------------------------------------------------

def average_rank(x, descending=False):
    """1-based ranks, ties get the mean of the ranks they span (scipy rankdata 'average')."""
    key = -x if descending else x
    n = len(x)
    order = np.argsort(key, kind="stable")
    ranks = np.empty(n)
    i = 0
    while i < n:
        j = i
        while j + 1 < n and key[order[j + 1]] == key[order[i]]:
            j += 1
        ranks[order[i:j + 1]] = 0.5 * (i + j) + 1.0
        i = j + 1
    return ranks


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def adaptive_steepness(x, c):
    n = len(x)
    if n < 2:
        return c
    # root mean square of the n(n-1) pairwise differences = sqrt(2) * sample std; shifted by x[0]
    # so that a constant row gives exactly 0
    d = x - x[0]
    ss = max(0.0, np.sum(d * d) - np.sum(d) ** 2 / n)
    rms = np.sqrt(2.0 * ss / (n - 1))
    return c if rms == 0 or not np.isfinite(rms) else c / rms


def sigmoid_rank_row(x, lam, descending, normalize):
    n = len(x)
    d = x[:, None] - x[None, :]          # d_ij = x_i - x_j
    if descending:
        d = -d
    sig = sigmoid(lam * d)
    ranks = 1.0 + sig.sum(axis=1) - 0.5  # the j = i term is sigmoid(0) = 1/2
    deriv = lam * sig * (1 - sig)        # d sigma(lam d_ij) / d d_ij
    jac = -deriv.copy()
    np.fill_diagonal(jac, 0.0)
    jac[np.diag_indices(n)] = deriv.sum(axis=1) - deriv.diagonal()
    if descending:
        jac = -jac
    if normalize:
        ranks = ranks / n
        jac = jac / n
    return ranks, jac


def soft_rank_rows(x, eps, reg, descending):
    return np.array([soft_rank_row(r, eps, reg, descending)[0] for r in x])


def spearman_loss_rows(pred, target, eps, reg):
    r_hat = soft_rank_rows(pred, eps, reg, False)
    r = np.array([average_rank(t) for t in target])
    return np.sum((r_hat - r) ** 2, axis=1)


def soft_spearmanr_rows(pred, target, eps, reg, exact_target):
    a = soft_rank_rows(pred, eps, reg, False)
    if exact_target:
        b = np.array([average_rank(t) for t in target])
    else:
        b = soft_rank_rows(target, eps, reg, False)
    a = a - a.mean(axis=1, keepdims=True)
    b = b - b.mean(axis=1, keepdims=True)
    return np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def map_losses(scores, labels, eps, reg):
    """Per-class 1 - AP, AP = mean over positives of rank_among_positives / rank_among_all."""
    losses = []
    for c in range(scores.shape[1]):
        pos = labels[:, c] > 0
        if not pos.any():
            losses.append(0.0)
            continue
        r_all = soft_rank_row(scores[:, c], eps, reg, True)[0]
        r_pos = soft_rank_row(scores[pos, c], eps, reg, True)[0]
        losses.append(1.0 - np.mean(r_pos / r_all[pos]))
    return np.array(losses)


def recall_losses(scores, positives, margin, eps, reg):
    out = []
    for q in range(scores.shape[0]):
        f = soft_rank_row(scores[q], eps, reg, True)[0]
        p = positives[q]
        neg = np.delete(f, p)
        out.append(max(0.0, margin + f[p] - neg.min()))
    return np.array(out)


# ----------------------------------------------------------------------------------------------
# Golden values published by torchsort / asked for by the issue (asserted, then stored).
# ----------------------------------------------------------------------------------------------

def assert_close(a, b, tol):
    a = np.asarray(a); b = np.asarray(b)
    assert a.shape == b.shape and np.max(np.abs(a - b)) <= tol, (a, b)


assert_close(soft_rank_row(np.array([5., 1, 2]), 1.0, "l2", False)[0], [3, 1, 2], 1e-12)
assert_close(soft_rank_row(np.array([5., 1, 2]), 2.0, "l2", False)[0], [3, 1.25, 1.75], 1e-12)
assert_close(soft_sort_row(np.array([5., 1, 2]), 1.0, "l2", False)[0], [5 / 3, 8 / 3, 11 / 3], 1e-12)
assert_close(soft_sort_row(np.array([5., 1, 2]), 0.1, "l2", False)[0], [1, 2, 5], 1e-12)
readme_x = np.array([8., 0, 5, 3, 2, 1, 6, 7, 9])
assert_close(soft_rank_row(readme_x, 1.0, "l2", False)[0], [8, 1, 5, 4, 3, 2, 6, 7, 9], 1e-12)
assert_close(soft_sort_row(readme_x, 1.0, "l2", False)[0], np.arange(9) + 5 / 9, 1e-12)
assert_close(soft_sort_row(readme_x, 0.1, "l2", False)[0], [0, 1, 2, 3, 5, 6, 7, 8, 9], 1e-12)
readme_rho = soft_spearmanr_rows(np.array([[1., 2, 3, 4, 5]]), np.array([[5., 6, 7, 8, 7]]), 1.0, "l2", False)[0]
assert abs(readme_rho - 0.8321) < 5e-5, readme_rho


# ----------------------------------------------------------------------------------------------
# Random cases.
# ----------------------------------------------------------------------------------------------

def draw_values(batch, n, ties):
    if ties and n >= 2:
        pool = RNG.normal(0.0, 1.5, size=max(1, n // 2))
        return RNG.choice(pool, size=(batch, n)) * RNG.uniform(0.5, 2.0)
    return RNG.normal(0.0, 1.5, size=(batch, n)) * RNG.uniform(0.5, 2.0)


def projection_cases(op):
    fn = soft_rank_row if op == "soft_rank" else soft_sort_row
    cases = []
    for reg in ("l2", "kl"):
        for descending in (False, True):
            for eps in (0.1, 0.5, 1.0, 4.0):
                for n in (1, 2, 3, 6, 17, 40):
                    ties = bool(RNG.integers(0, 2)) if n >= 3 else False
                    batch = 1 if n == 40 else 3
                    while True:
                        x = draw_values(batch, n, ties)
                        out, jacs, gap = batched(fn, x, eps, reg, descending)
                        # keep away from block boundaries, where the derivative jumps
                        if gap > 1e-6:
                            break
                    # Tied values share a block in soft_rank (differentiable there) but not in soft_sort,
                    # which, like the hard sort, has a kink at ties: those cases are forward-only.
                    differentiable = not (ties and op == "soft_sort")
                    case = {
                        "regularization": reg, "regularization_strength": eps,
                        "descending": descending, "ties": ties,
                        "shape": [batch, n], "values": x.ravel().tolist(), "output": out.ravel().tolist(),
                        "tangent": None, "jvp": None, "cotangent": None, "vjp": None,
                    }
                    if differentiable:
                        for row, jac in zip(x, jacs):
                            check_jacobian(fn, row, (eps, reg, descending), jac)
                        v = RNG.normal(size=(batch, n))
                        u = RNG.normal(size=(batch, n))
                        case["tangent"] = v.ravel().tolist()
                        case["jvp"] = np.array([j @ vi for j, vi in zip(jacs, v)]).ravel().tolist()
                        case["cotangent"] = u.ravel().tolist()
                        case["vjp"] = np.array([ui @ j for j, ui in zip(jacs, u)]).ravel().tolist()
                    cases.append(case)
    return cases


def sigmoid_cases():
    cases = []
    for descending in (False, True):
        for normalize in (False, True):
            for steepness in (None, 0.7, 3.0):
                for n in (1, 2, 5, 12):
                    batch = 2
                    x = draw_values(batch, n, ties=bool(RNG.integers(0, 2)))
                    if n >= 2 and steepness is None:
                        x[1] = x[1, 0]  # a constant row: steepness falls back to the constant
                    lams = [adaptive_steepness(r, 6.8) if steepness is None else steepness for r in x]
                    rows = [sigmoid_rank_row(r, lam, descending, normalize) for r, lam in zip(x, lams)]
                    for r, lam, (_, jac) in zip(x, lams, rows):
                        check_jacobian(lambda z, l, d, nm: sigmoid_rank_row(z, l, d, nm), r,
                                       (lam, descending, normalize), jac)
                    u = RNG.normal(size=(batch, n))
                    vjp = np.array([ui @ j for ui, (_, j) in zip(u, rows)])
                    cases.append({
                        "steepness": steepness, "adaptive_constant": 6.8, "descending": descending,
                        "normalize": normalize, "shape": [batch, n], "values": x.ravel().tolist(),
                        "steepness_used": [float(l) for l in lams],
                        "output": np.array([o for o, _ in rows]).ravel().tolist(),
                        "cotangent": u.ravel().tolist(), "vjp": vjp.ravel().tolist(),
                    })
    return cases


def loss_cases():
    cases = {"spearman": [], "soft_spearman": [], "map": [], "recall": []}
    for reg in ("l2", "kl"):
        for eps in (0.2, 1.0):
            pred = draw_values(3, 7, ties=False)
            target = draw_values(3, 7, ties=True)
            cases["spearman"].append({
                "regularization": reg, "regularization_strength": eps, "shape": [3, 7],
                "pred": pred.ravel().tolist(), "target": target.ravel().tolist(),
                "per_row": spearman_loss_rows(pred, target, eps, reg).tolist()})
            for exact in (False, True):
                cases["soft_spearman"].append({
                    "regularization": reg, "regularization_strength": eps, "exact_target_ranks": exact,
                    "shape": [3, 7], "pred": pred.ravel().tolist(), "target": target.ravel().tolist(),
                    "rho": soft_spearmanr_rows(pred, target, eps, reg, exact).tolist()})
            scores = RNG.normal(size=(9, 4))
            labels = (RNG.uniform(size=(9, 4)) < 0.4).astype(np.float64)
            labels[:, 2] = 0.0                 # a class without positives
            labels[0, 3] = 1.0
            cases["map"].append({
                "regularization": reg, "regularization_strength": eps, "shape": [9, 4],
                "scores": scores.ravel().tolist(), "labels": labels.ravel().tolist(),
                "per_class": map_losses(scores, labels, eps, reg).tolist()})
            sq = RNG.normal(size=(5, 5))
            sq[np.diag_indices(5)] += 1.0
            margin = 0.5
            rows = recall_losses(sq, np.arange(5), margin, eps, reg)
            cols = recall_losses(sq.T.copy(), np.arange(5), margin, eps, reg)
            rect = RNG.normal(size=(4, 6))
            positives = RNG.integers(0, 6, size=4)
            cases["recall"].append({
                "regularization": reg, "regularization_strength": eps, "margin": margin,
                "square_shape": [5, 5], "square": sq.ravel().tolist(),
                "square_rows": rows.tolist(), "square_columns": cols.tolist(),
                "rect_shape": [4, 6], "rect": rect.ravel().tolist(),
                "rect_positives": positives.tolist(),
                "rect_rows": recall_losses(rect, positives, margin, eps, reg).tolist()})
    return cases


def main():
    data = {
        "generator": "tests/ReferenceData/softrank/make_softrank_reference.py",
        "numpy": np.__version__,
        "readme_spearman": float(readme_rho),
        "soft_rank": projection_cases("soft_rank"),
        "soft_sort": projection_cases("soft_sort"),
        "sigmoid_rank": sigmoid_cases(),
        "losses": loss_cases(),
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "softrank_reference.json")
    with open(path, "w") as f:
        json.dump(data, f, indent=0, separators=(",", ":"))
        f.write("\n")
    print("wrote", path, os.path.getsize(path), "bytes;",
          len(data["soft_rank"]), "soft_rank cases,", len(data["soft_sort"]), "soft_sort cases,",
          len(data["sigmoid_rank"]), "sigmoid cases; readme spearman", readme_rho)


if __name__ == "__main__":
    main()

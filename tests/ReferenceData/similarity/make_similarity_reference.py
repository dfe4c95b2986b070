# Generates the golden data for Rankwise.Torch.Similarity.
#
# Command (from the repository root):
#   /usr/bin/python3 tests/ReferenceData/similarity/make_similarity_reference.py
# (numpy 1.24, scipy 1.10, sklearn 1.2). Writes, next to this script:
#   kornblith_demo_X.npy, kornblith_demo_Y.npy   Kornblith et al. (2019) demo pair (float64, C order)
#   similarity_reference.json                      cases (data as lists) + expected values
#
# Every measure below is an independent numpy/scipy re-implementation of the formula in the
# paper/reference code, deliberately computed along a different numerical path than the C# code
# where one exists (H·K·H centring with an explicit H, U-statistic HSIC on Gram matrices, scipy's
# subspace_angles for canonical correlations, covariance whitening for PWCCA directions,
# scipy.linalg.orthogonal_procrustes for shape metrics, scipy pdist / spearmanr / kendalltau for RSA,
# scipy linear_sum_assignment for unit matching).
import json
import math
import os
from itertools import permutations

import numpy as np
import scipy
import scipy.linalg as sla
import scipy.optimize as sopt
import scipy.spatial.distance as ssd
import scipy.stats as sst

HERE = os.path.dirname(os.path.abspath(__file__))
EPS = np.finfo(np.float64).eps


# ----------------------------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------------------------
def centre(x):
    """Column centring, two passes with correctly rounded sums (math.fsum), so offsets like 1e8 are exact."""
    x = np.asarray(x, dtype=np.float64)
    n = x.shape[0]
    m1 = np.array([math.fsum(x[:, j]) / n for j in range(x.shape[1])])
    c = x - m1
    m2 = np.array([math.fsum(c[:, j]) / n for j in range(x.shape[1])])
    return c - m2


def h_centre(k):
    n = k.shape[0]
    h = np.eye(n) - np.ones((n, n)) / n
    return h @ k @ h


def rank_basis(xc, rtol=None):
    """Left singular vectors and singular values kept by the numerical rank rule s > rtol * s_max."""
    u, s, _ = np.linalg.svd(xc, full_matrices=False)
    if rtol is None:
        rtol = max(xc.shape) * EPS
    keep = s > rtol * s[0] if s.size and s[0] > 0 else np.zeros(s.shape, bool)
    return u[:, keep], s[keep]


# ----------------------------------------------------------------------------------------------
# CKA (Kornblith et al. 2019)
# ----------------------------------------------------------------------------------------------
def cka_from_grams(k, l):
    kc, lc = h_centre(k), h_centre(l)
    return float(np.sum(kc * lc) / (np.linalg.norm(kc) * np.linalg.norm(lc)))


def linear_cka_gram(x, y):
    xc, yc = centre(x), centre(y)
    return cka_from_grams(xc @ xc.T, yc @ yc.T)


def linear_cka_feature(x, y):
    xc, yc = centre(x), centre(y)
    num = np.linalg.norm(yc.T @ xc, "fro") ** 2
    return float(num / (np.linalg.norm(xc.T @ xc, "fro") * np.linalg.norm(yc.T @ yc, "fro")))


def rbf_gram(x, threshold):
    # Squared Euclidean distances computed directly (not via dot products); the bandwidth follows
    # the reference notebook: sigma^2 = threshold^2 * median of ALL n*n squared distances (diagonal zeros included).
    d2 = ssd.squareform(ssd.pdist(np.asarray(x, np.float64), "sqeuclidean"))
    sigma2 = threshold ** 2 * np.median(d2)
    return np.exp(-d2 / (2.0 * sigma2))


def rbf_cka(x, y, threshold):
    return cka_from_grams(rbf_gram(x, threshold), rbf_gram(y, threshold))


def hsic_unbiased(k, l):
    """Song et al. (2012) unbiased HSIC estimator (U-statistic), from Gram matrices."""
    n = k.shape[0]
    kt = k.copy()
    lt = l.copy()
    np.fill_diagonal(kt, 0.0)
    np.fill_diagonal(lt, 0.0)
    term1 = np.sum(kt * lt)
    term2 = kt.sum() * lt.sum() / ((n - 1) * (n - 2))
    term3 = 2.0 / (n - 2) * (kt.sum(axis=1) @ lt.sum(axis=1))
    return (term1 + term2 - term3) / (n * (n - 3))


def debiased_cka_from_grams(k, l):
    kl = hsic_unbiased(k, l)
    return float(kl / np.sqrt(hsic_unbiased(k, k) * hsic_unbiased(l, l)))


def debiased_linear_cka(x, y):
    xc, yc = centre(x), centre(y)
    return debiased_cka_from_grams(xc @ xc.T, yc @ yc.T)


def debiased_rbf_cka(x, y, threshold):
    return debiased_cka_from_grams(rbf_gram(x, threshold), rbf_gram(y, threshold))


def minibatch_cka(x, y, batch):
    """Nguyen et al. (2021): mean unbiased HSIC over consecutive minibatches, then the CKA ratio."""
    n = x.shape[0]
    sxy = sxx = syy = 0.0
    for start in range(0, n, batch):
        xb, yb = centre(x[start:start + batch]), centre(y[start:start + batch])
        k, l = xb @ xb.T, yb @ yb.T
        sxy += hsic_unbiased(k, l)
        sxx += hsic_unbiased(k, k)
        syy += hsic_unbiased(l, l)
    return float(sxy / np.sqrt(sxx * syy))


# ----------------------------------------------------------------------------------------------
# CCA family
# ----------------------------------------------------------------------------------------------
def canonical_correlations(x, y):
    """Cosines of the principal angles between the centred column spaces (scipy.linalg.subspace_angles)."""
    xc, yc = centre(x), centre(y)
    ang = sla.subspace_angles(xc, yc)
    return np.sort(np.cos(ang))[::-1]


def canonical_correlations_ridge(x, y, eps):
    """Regularised CCA: singular values of (Sxx + eps I)^-1/2 Sxy (Syy + eps I)^-1/2, S with divisor n-1."""
    xc, yc = centre(x), centre(y)
    n = xc.shape[0]
    sxx, syy, sxy = xc.T @ xc / (n - 1), yc.T @ yc / (n - 1), xc.T @ yc / (n - 1)

    def inv_sqrt(c):
        w, v = np.linalg.eigh(c + eps * np.eye(c.shape[0]))
        return (v / np.sqrt(w)) @ v.T

    m = inv_sqrt(sxx) @ sxy @ inv_sqrt(syy)
    k = min(np.linalg.matrix_rank(xc), np.linalg.matrix_rank(yc))
    return np.linalg.svd(m, compute_uv=False)[:k]


def svcca(x, y, threshold=0.99):
    def reduce(a):
        u, s = rank_basis(centre(a))
        frac = np.cumsum(s ** 2) / np.sum(s ** 2)
        k = int(np.argmax(frac >= threshold)) + 1
        return u[:, :k] * s[:k], k

    rx, kx = reduce(x)
    ry, ky = reduce(y)
    rho = np.cos(sla.subspace_angles(rx, ry))
    return float(np.mean(rho)), kx, ky


def pwcca(x, y):
    """Projection-weighted CCA (Morcos et al. 2018) on centred inputs.

    CCA directions by covariance whitening (pseudo-inverse square roots with a rank cut), the side with
    fewer units supplies the weights alpha_i = sum_j |<h_i, a_j>| (h_i orthonormalised canonical variates,
    a_j centred unit activations); PWCCA = sum_i alpha_i rho_i / sum_i alpha_i.
    """
    xc, yc = centre(x), centre(y)

    def whitener(a):
        # a = U S V^T ; whitening map on feature space: V S^-1 (kept singular values only)
        u, s, vt = np.linalg.svd(a, full_matrices=False)
        keep = s > max(a.shape) * EPS * s[0]
        return vt[keep].T / s[keep]

    wx, wy = whitener(xc), whitener(yc)
    ox, oy = xc @ wx, yc @ wy  # orthonormal bases of the column spaces
    u, rho, vt = np.linalg.svd(ox.T @ oy, full_matrices=False)
    k = min(ox.shape[1], oy.shape[1])
    rho = rho[:k]
    if x.shape[1] <= y.shape[1]:
        h, acts = xc @ (wx @ u[:, :k]), xc
    else:
        h, acts = yc @ (wy @ vt.T[:, :k]), yc
    p, _ = np.linalg.qr(h)
    alpha = np.sum(np.abs(p.T @ acts), axis=1)
    alpha = alpha / alpha.sum()
    return float(np.sum(alpha * rho))


# ----------------------------------------------------------------------------------------------
# Shape metrics (Williams et al. 2021)
# ----------------------------------------------------------------------------------------------
def shape_metric(x, y, alpha):
    """Centre, scale to unit Frobenius norm, partially whiten with ((1-alpha) C + alpha I)^-1/2 (C = Xn^T Xn),
    rescale to unit Frobenius norm, zero-pad to the larger width, align with the optimal rotation.
    Returns (angular, euclidean)."""

    def prep(a):
        ac = centre(a)
        an = ac / np.linalg.norm(ac)
        u, s, vt = np.linalg.svd(an, full_matrices=False)
        keep = s > max(a.shape) * EPS * s[0]
        u, s, vt = u[:, keep], s[keep], vt[keep]
        d = s / np.sqrt((1 - alpha) * s ** 2 + alpha)
        aw = (u * d) @ vt  # = an @ Z with Z = ((1-alpha) an^T an + alpha I)^-1/2 on the row space
        return aw / np.linalg.norm(aw)

    xw, yw = prep(x), prep(y)
    width = max(xw.shape[1], yw.shape[1])
    xw = np.pad(xw, ((0, 0), (0, width - xw.shape[1])))
    yw = np.pad(yw, ((0, 0), (0, width - yw.shape[1])))
    r, _ = sla.orthogonal_procrustes(xw, yw)
    euclid = np.linalg.norm(xw @ r - yw)
    cosine = np.sum((xw @ r) * yw)
    return float(np.arccos(np.clip(cosine, -1, 1))), float(euclid)


# ----------------------------------------------------------------------------------------------
# RSA
# ----------------------------------------------------------------------------------------------
def rdm(x, metric):
    # 'euclidean' (direct differences), 'correlation' = 1 - Pearson of rows, 'cosine' = 1 - cosine of rows
    return ssd.pdist(np.asarray(x, np.float64), metric)


TIE_TOLERANCE = 1e-13


def snap_ties(v, rel_tol=TIE_TOLERANCE):
    """Values within rel_tol * max|v| of the smallest value of their (ascending) group become that value, so that
    dissimilarities equal in exact arithmetic but rounded differently are ties again (same rule as the C# code)."""
    tol = rel_tol * np.max(np.abs(v))
    order = np.argsort(v, kind="stable")
    out = np.empty_like(v)
    anchor = None
    for idx in order:
        if anchor is None or v[idx] - anchor > tol:
            anchor = v[idx]
        out[idx] = anchor
    return out


def tie_pairs(v):
    _, counts = np.unique(v, return_counts=True)
    return float(np.sum(counts * (counts - 1) / 2))


def kendall_tau_a(a, b):
    m = a.size
    n0 = m * (m - 1) / 2
    tau_b = sst.kendalltau(a, b, variant="b").correlation
    return float(tau_b * math.sqrt((n0 - tie_pairs(a)) * (n0 - tie_pairs(b))) / n0)


def kendall_brute(a, b):
    c = d = ta = tb = 0
    m = a.size
    for i in range(m):
        for j in range(i + 1, m):
            s = np.sign(a[i] - a[j]) * np.sign(b[i] - b[j])
            c += s > 0
            d += s < 0
            ta += a[i] == a[j]
            tb += b[i] == b[j]
    n0 = m * (m - 1) / 2
    return (c - d) / n0, (c - d) / math.sqrt((n0 - ta) * (n0 - tb))


def compare(a, b, method):
    if method in ("spearman", "kendall_tau_a", "kendall_tau_b"):
        a, b = snap_ties(a), snap_ties(b)
    if method == "spearman":
        return float(sst.spearmanr(a, b).correlation)
    if method == "pearson":
        return float(sst.pearsonr(a, b)[0])
    if method == "kendall_tau_b":
        return float(sst.kendalltau(a, b, variant="b").correlation)
    if method == "kendall_tau_a":
        return kendall_tau_a(a, b)
    if method == "cosine":
        return float(1.0 - ssd.cosine(a, b))
    raise ValueError(method)


# ----------------------------------------------------------------------------------------------
# Unit matching
# ----------------------------------------------------------------------------------------------
def cross_correlation(x, y, method):
    dx = x.shape[1]
    if method == "pearson":
        c = np.corrcoef(x.T, y.T)
    else:
        c = sst.spearmanr(x, y).correlation
    return c[:dx, dx:]


def unit_matching(x, y, method):
    c = cross_correlation(x, y, method)
    naive = float(np.mean(np.max(np.abs(c), axis=1)))
    r, k = sopt.linear_sum_assignment(np.abs(c), maximize=True)
    return naive, float(np.mean(np.abs(c[r, k]))), c


# ----------------------------------------------------------------------------------------------
# Cases
# ----------------------------------------------------------------------------------------------
def make_cases():
    cases = []
    np.random.seed(1337)
    X = np.random.randn(100, 10)
    Y = np.random.randn(100, 10) + X
    np.save(os.path.join(HERE, "kornblith_demo_X.npy"), X)
    np.save(os.path.join(HERE, "kornblith_demo_Y.npy"), Y)
    cases.append(("kornblith_demo", X, Y))

    rs = np.random.RandomState(20240611)

    def related(n, dx, dy, noise=1.0):
        x = rs.randn(n, dx)
        w = rs.randn(dx, dy)
        return x, x @ w + noise * rs.randn(n, dy)

    def low_rank(n, d, r):
        return rs.randn(n, r) @ rs.randn(r, d)

    cases.append(("independent_100x10x10", rs.randn(100, 10), rs.randn(100, 10)))
    cases.append(("related_100x10x12", *related(100, 10, 12)))
    cases.append(("tall_200x5x8", *related(200, 5, 8, 2.0)))
    cases.append(("related_60x12x4", *related(60, 12, 4, 0.5)))
    cases.append(("wide_20x30x25", rs.randn(20, 30), rs.randn(20, 25)))
    x = rs.randn(15, 40)
    cases.append(("wide_related_15x40x10", x, x[:, :10] @ rs.randn(10, 10) + 0.3 * rs.randn(15, 10)))
    x = low_rank(60, 8, 3)
    cases.append(("rank_deficient_x_60x8x8", x, x @ rs.randn(8, 8) + 0.5 * rs.randn(60, 8)))
    cases.append(("rank_deficient_both_50x10x12", low_rank(50, 10, 4), low_rank(50, 12, 6)))
    x = low_rank(30, 6, 4)
    cases.append(("rank_deficient_shared_30x6x9", x, x @ rs.randn(6, 9)))
    cases.append(("small_8x3x4", *related(8, 3, 4)))
    cases.append(("minimal_4x2x3", *related(4, 2, 3)))
    cases.append(("square_40x39x41", rs.randn(40, 39), rs.randn(40, 41)))
    latent = rs.randn(120, 6)
    cases.append(("shared_latent_120x16x16", latent @ rs.randn(6, 16) + 0.7 * rs.randn(120, 16),
                  np.tanh(latent @ rs.randn(6, 16)) + 0.7 * rs.randn(120, 16)))
    x = rs.randn(50, 7)
    cases.append(("anisotropic_50x7x7", x * np.array([10, 5, 3, 1, 0.3, 0.1, 0.01]),
                  x @ rs.randn(7, 7) + 0.2 * rs.randn(50, 7)))
    # float32-representable data: a float32 tensor input must reproduce the float64 reference exactly.
    x32 = rs.randn(70, 9).astype(np.float32)
    y32 = (x32 @ rs.randn(9, 6).astype(np.float32) + rs.randn(70, 6).astype(np.float32)).astype(np.float32)
    cases.append(("float32_exact_70x9x6", x32.astype(np.float64), y32.astype(np.float64)))
    # Ties: integer-valued features give tied RDM entries (tau-a != tau-b, Spearman mid-ranks).
    while True:
        xt = rs.randint(0, 5, size=(30, 6)).astype(np.float64)
        yt = np.clip(xt + rs.randint(-1, 2, size=(30, 6)), 0, 6).astype(np.float64)
        if all(np.ptp(r) > 0 for r in xt) and all(np.ptp(r) > 0 for r in yt):
            break
    cases.append(("integer_ties_30x6x6", xt, yt))
    # Large common offset: the measures must still be computed on exactly centred data.
    x, y = related(80, 6, 6)
    cases.append(("offset_1e8_80x6x6", x + 1e8, y - 3e7))
    cases.append(("matching_50x5x6", *related(50, 5, 6, 0.8)))
    x = rs.randn(40, 6)
    perm = rs.permutation(6)
    cases.append(("matching_permuted_40x6x6", x, 2.5 * x[:, perm] + 0.4 * rs.randn(40, 6) + 7.0))
    cases.append(("matching_40x7x4", *related(40, 7, 4, 1.5)))
    return cases


def nan_to_none(v):
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def expected_for(name, x, y):
    n, dx = x.shape
    dy = y.shape[1]
    e = {}
    offset = name.startswith("offset")
    e["linear_cka_gram"] = linear_cka_gram(x, y)
    e["linear_cka_feature"] = linear_cka_feature(x, y)
    e["rbf_cka_0.5"] = rbf_cka(x, y, 0.5)
    e["rbf_cka_1.0"] = rbf_cka(x, y, 1.0)
    if n >= 4:
        e["debiased_cka"] = debiased_linear_cka(x, y)
        e["debiased_rbf_cka_0.5"] = debiased_rbf_cka(x, y, 0.5)
    rho = canonical_correlations(x, y)
    e["cca_correlations"] = [float(r) for r in rho]
    e["mean_cca"] = float(np.mean(rho))
    e["r2cca"] = float(np.mean(rho ** 2))
    if n > max(dx, dy) + 1:
        rr = canonical_correlations_ridge(x, y, 0.1)
        e["mean_cca_eps0.1"] = float(np.mean(rr))
    s, kx, ky = svcca(x, y)
    e["svcca"], e["svcca_kx"], e["svcca_ky"] = s, kx, ky
    e["pwcca"] = pwcca(x, y)
    for alpha in (1.0, 0.5, 0.0):
        ang, euc = shape_metric(x, y, alpha)
        e[f"shape_angular_{alpha}"] = ang
        e[f"shape_euclidean_{alpha}"] = euc
    metrics = ["euclidean"] if offset else ["euclidean", "correlation", "cosine"]
    for metric in metrics:
        a, b = rdm(x, metric), rdm(y, metric)
        for method in ("spearman", "kendall_tau_a", "kendall_tau_b", "pearson", "cosine"):
            e[f"rsa_{metric}_{method}"] = compare(a, b, method)
    if name.startswith("matching") or name in ("kornblith_demo", "integer_ties_30x6x6"):
        for method in ("pearson", "spearman"):
            naive, matched, c = unit_matching(x, y, method)
            e[f"naive_max_{method}"] = naive
            e[f"matched_{method}"] = matched
            e[f"cross_correlation_{method}"] = [[float(v) for v in row] for row in c]
    if name == "kornblith_demo":
        e["minibatch_cka_25"] = minibatch_cka(x, y, 25)
        e["minibatch_cka_30"] = minibatch_cka(x, y, 30)
        e["rdm_correlation_first10"] = [float(v) for v in rdm(x, "correlation")[:10]]
        e["rdm_euclidean_first10"] = [float(v) for v in rdm(x, "euclidean")[:10]]
        e["rdm_cosine_first10"] = [float(v) for v in rdm(x, "cosine")[:10]]
    return {k: nan_to_none(v) for k, v in e.items()}


def self_checks(cases):
    X, Y = cases[0][1], cases[0][2]
    # Kornblith et al. demo notebook, printed to 5 digits.
    assert f"{linear_cka_gram(X, Y):.5f}" == "0.55761", linear_cka_gram(X, Y)
    assert f"{linear_cka_feature(X, Y):.5f}" == "0.55761"
    assert f"{rbf_cka(X, Y, 0.5):.5f}" == "0.65483", rbf_cka(X, Y, 0.5)
    assert f"{debiased_linear_cka(X, Y):.5f}" == "0.51346", debiased_linear_cka(X, Y)
    # Kendall tau-a / tau-b against brute force on a small tied example.
    ties = next(c for c in cases if c[0] == "integer_ties_30x6x6")
    a = rdm(ties[1][:12], "euclidean")
    b = rdm(ties[2][:12], "euclidean")
    ta, tb = kendall_brute(np.round(a, 6), np.round(b, 6))
    assert abs(ta - kendall_tau_a(np.round(a, 6), np.round(b, 6))) < 1e-12
    assert abs(tb - compare(np.round(a, 6), np.round(b, 6), "kendall_tau_b")) < 1e-12
    # Linear HSIC feature-space formula (Kornblith's helper, re-derived) equals the Gram U-statistic.
    xc, yc = centre(X), centre(Y)
    n = X.shape[0]
    kx, ky = np.sum(xc ** 2, 1), np.sum(yc ** 2, 1)
    feat = (np.linalg.norm(xc.T @ yc) ** 2 - n / (n - 2) * kx @ ky + kx.sum() * ky.sum() / ((n - 1) * (n - 2))) / (n * (n - 3))
    assert abs(feat - hsic_unbiased(xc @ xc.T, yc @ yc.T)) < 1e-12 * abs(feat)
    # Ridge CCA with eps=0 equals the principal-angle cosines on a full-rank case.
    r0 = canonical_correlations_ridge(X, Y, 0.0)
    assert np.allclose(r0, canonical_correlations(X, Y), atol=1e-12)


def main():
    cases = make_cases()
    self_checks(cases)
    out = {
        "generator": "tests/ReferenceData/similarity/make_similarity_reference.py",
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "cases": [],
    }
    for name, x, y in cases:
        out["cases"].append({
            "name": name,
            "x": x.tolist(),
            "y": y.tolist(),
            "expected": expected_for(name, x, y),
        })
    with open(os.path.join(HERE, "similarity_reference.json"), "w") as f:
        json.dump(out, f, indent=None, allow_nan=False)
        f.write("\n")
    X, Y = cases[0][1], cases[0][2]
    print(f"linear CKA {linear_cka_gram(X, Y):.5f}  RBF CKA(0.5) {rbf_cka(X, Y, 0.5):.5f}  "
          f"debiased CKA {debiased_linear_cka(X, Y):.5f}  R2CCA {np.mean(canonical_correlations(X, Y) ** 2):.5f}")
    print(f"{len(cases)} cases written")


if __name__ == "__main__":
    main()

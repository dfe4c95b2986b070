# Generates edge_reference.json, the golden data of tests/Rankwise.Tests/Reliability/NumericalEdgeCaseTests.cs.
# Command (from this directory; scipy 1.10 / numpy 1.24 / mpmath, the system Python):
#     /usr/bin/python3 make_edge_reference.py
#
# small:      every correlation method at n = 2 and n = 3 (increasing, decreasing, permuted, with a tie), every
#             alternative: scipy.stats pearsonr, spearmanr, kendalltau (variant b and c), weightedtau (defaults:
#             rank=True, additive; p-value NaN), somersd.
# infinities: +-Inf are values, not missing: the rank methods on data holding +-Inf and NaN, as Rankwise's
#             NanPolicy.Omit sees them: scipy on the complete pairs (NaN pairs dropped, infinities kept). scipy 1.10's
#             rankdata (hence spearmanr, kendalltau) returns NaN for any array holding both +Inf and -Inf (its NaN check
#             sums the array: inf + -inf = nan), so the expected values are scipy's on the same data with +-Inf
#             replaced by +-1e300, which changes no order; scipy's own (NaN) output is kept as "scipy_1_10_statistic".
# kendall_1e6_heavy_ties: n = 10^6 with 4 tie groups of 250 000 in x and 2 groups in y. scipy 1.10's kendalltau
#             overflows int64 in the variance term 2*xtie*ytie (~3e22) here, so the expected p-values come from the
#             same formula evaluated with Python integers and mpmath (checked against scipy on a 1/100 scale copy,
#             where nothing overflows). Tau-b and tau-c are exact rationals. The test rebuilds the data from the spec.
import json
import warnings
import math
from fractions import Fraction

import mpmath
import numpy as np
import scipy
from scipy import stats

assert scipy.__version__.startswith("1.10"), scipy.__version__
mpmath.mp.dps = 50
warnings.simplefilter("ignore")
ALTERNATIVES = ["two-sided", "less", "greater"]


def enc(v):
    v = float(v)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return v


def scipy_result(method, x, y, alternative):
    """scipy on the complete pairs (Rankwise's NanPolicy.Omit drops every pair with a NaN, then computes)."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    keep = ~(np.isnan(x) | np.isnan(y))
    x, y = x[keep], y[keep]
    if method == "pearson":
        r = stats.pearsonr(x, y, alternative=alternative)
        return r.statistic, r.pvalue
    if method == "spearman":
        r = stats.spearmanr(x, y, alternative=alternative)
        return r.statistic, r.pvalue
    if method in ("kendall", "kendall-c"):
        r = stats.kendalltau(x, y, alternative=alternative, variant="b" if method == "kendall" else "c")
        return r.statistic, r.pvalue
    if method == "weighted-tau":
        return stats.weightedtau(x, y).statistic, float("nan")
    r = stats.somersd(x, y, alternative=alternative)
    return r.statistic, r.pvalue


METHODS = ["pearson", "spearman", "kendall", "kendall-c", "weighted-tau", "somers-d"]
small = []
data = [
    ("n2-increasing", [1, 2], [3, 5]),
    ("n2-decreasing", [1, 2], [5, 3]),
    ("n3-permuted", [1, 2, 3], [1, 3, 2]),
    ("n3-reversed", [1, 2, 3], [3, 2.5, -1]),
    ("n3-tie-in-x", [1, 1, 2], [1, 2, 3]),
    ("n3-tie-in-both", [1, 1, 2], [4, 3, 3]),
]
for name, x, y in data:
    for method in METHODS:
        for alt in (ALTERNATIVES if method != "weighted-tau" else ["two-sided"]):
            s, p = scipy_result(method, x, y, alt)
            small.append({"name": name, "method": method, "alternative": alt, "x": x, "y": y,
                          "statistic": enc(s), "pvalue": enc(p)})

inf = float("inf")
nan = float("nan")
infinities = []
for name, x, y in [
    ("inf-both-ends", [1, inf, 3, -inf, 2, nan, 7], [1, 5, 3, -1, nan, 4, 6]),
    ("inf-in-both", [inf, 2, 3, -inf, 5, 6, 0.5], [2, inf, 1, 0, -inf, 9, nan]),
    ("inf-ties", [inf, inf, 1, 2, -inf, nan, 3], [4, 5, 1, 1, 0, 2, nan]),
]:
    for method in METHODS[1:]:
        for alt in (ALTERNATIVES if method != "weighted-tau" else ["two-sided"]):
            s, p = scipy_result(method, [math.copysign(1e300, v) if math.isinf(v) else v for v in x],
                                [math.copysign(1e300, v) if math.isinf(v) else v for v in y], alt)
            with np.errstate(all="ignore"):
                raw, _ = scipy_result(method, x, y, alt)
            infinities.append({"name": name, "method": method, "alternative": alt, "x": [enc(v) for v in x],
                               "y": [enc(v) for v in y], "statistic": enc(s), "pvalue": enc(p), "scipy_1_10_statistic": enc(raw)})


def kendall_exact(groups_zero, groups_one):
    """x = group index g, y in {0, 1}: a_g zeros and b_g ones in group g. Exact scipy formula with integers."""
    a, b = groups_zero, groups_one
    n = sum(a) + sum(b)
    sizes_x = [ai + bi for ai, bi in zip(a, b)]
    sizes_y = [sum(a), sum(b)]
    c2 = lambda t: t * (t - 1) // 2
    tot = c2(n)
    xtie = sum(c2(t) for t in sizes_x)
    ytie = sum(c2(t) for t in sizes_y)
    ntie = sum(c2(ai) + c2(bi) for ai, bi in zip(a, b))
    cmd = sum(a[g] * b[h] - b[g] * a[h] for g in range(len(a)) for h in range(g + 1, len(a)))
    x0 = sum(t * (t - 1) * (t - 2) for t in sizes_x)
    y0 = sum(t * (t - 1) * (t - 2) for t in sizes_y)
    x1 = sum(t * (t - 1) * (2 * t + 5) for t in sizes_x)
    y1 = sum(t * (t - 1) * (2 * t + 5) for t in sizes_y)
    m = n * (n - 1)
    var = Fraction(m * (2 * n + 5) - x1 - y1, 18) + Fraction(2 * xtie * ytie, m) + Fraction(x0 * y0, 9 * m * (n - 2))
    tau_b = mpmath.mpf(cmd) / mpmath.sqrt(tot - xtie) / mpmath.sqrt(tot - ytie)
    minclasses = min(len(sizes_x), len(sizes_y))
    tau_c = Fraction(2 * cmd * minclasses, n * n * (minclasses - 1))
    z = mpmath.mpf(cmd) / mpmath.sqrt(mpmath.mpf(var.numerator) / var.denominator)
    p = {"two-sided": mpmath.erfc(abs(z) / mpmath.sqrt(2)), "less": mpmath.ncdf(z), "greater": mpmath.ncdf(-z)}
    return {"n": n, "con_minus_dis": cmd, "xtie": xtie, "ytie": ytie, "ntie": ntie, "tau_b": float(tau_b),
            "tau_c": float(tau_c), "z": float(z), "pvalue": {k: float(v) for k, v in p.items()}}


def build(a, b):
    x = np.concatenate([np.full(ai + bi, g, dtype=float) for g, (ai, bi) in enumerate(zip(a, b))])
    y = np.concatenate([np.r_[np.zeros(ai), np.ones(bi)] for ai, bi in zip(a, b)])
    return x, y


# Check the integer formula against scipy where scipy does not overflow (n = 10^4).
small_a, small_b = [1250 + 9, 1250, 1250 - 4, 1250 - 5], [1250 - 9, 1250, 1250 + 4, 1250 + 5]
ref = kendall_exact(small_a, small_b)
sx, sy = build(small_a, small_b)
for alt in ALTERNATIVES:
    r = stats.kendalltau(sx, sy, alternative=alt)
    assert abs(r.statistic - ref["tau_b"]) < 1e-15, (r.statistic, ref["tau_b"])
    assert abs(r.pvalue - ref["pvalue"][alt]) < 1e-13 * max(1, ref["pvalue"][alt]), (alt, r.pvalue, ref["pvalue"][alt])
    rc = stats.kendalltau(sx, sy, alternative=alt, variant="c")
    assert abs(rc.statistic - ref["tau_c"]) < 1e-15

big_a = [125000 + 180, 125000, 125000 - 60, 125000 - 120]
big_b = [250000 - t for t in big_a]
heavy = kendall_exact(big_a, big_b)
heavy.update({"zeros_per_group": big_a, "ones_per_group": big_b})
bx, by = build(big_a, big_b)
with np.errstate(all="ignore"):
    overflowed = stats.kendalltau(bx, by)
heavy["scipy_1_10_pvalue_two_sided"] = enc(overflowed.pvalue)  # wrong: int64 overflow in 2*xtie*ytie
assert abs(overflowed.statistic - heavy["tau_b"]) < 1e-14
heavy["somers_d"] = {alt: {"statistic": enc(r.statistic), "pvalue": enc(r.pvalue)}
                     for alt in ALTERNATIVES for r in [stats.somersd(bx, by, alternative=alt)]}

out = {"generator": "tests/ReferenceData/edgecases/make_edge_reference.py", "scipy": scipy.__version__, "numpy": np.__version__,
       "small": small, "infinities": infinities, "kendall_1e6_heavy_ties": heavy}
with open("edge_reference.json", "w") as f:
    json.dump(out, f, indent=1)
print(json.dumps(heavy, indent=1))

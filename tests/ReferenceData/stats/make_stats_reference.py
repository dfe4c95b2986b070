# Generates stats_reference.json, the golden data for Rankwise's ranking and correlation tests.
#
#   cd tests/ReferenceData/stats && /usr/bin/python3 make_stats_reference.py
#
# Requires scipy 1.10 / numpy 1.24 (the system Python at /usr/bin/python3) and mpmath.
# NaN and infinities are written as the strings "NaN", "Infinity", "-Infinity".
# Every random case is fully determined by the seed below.
import json
import math
import warnings

import mpmath
import numpy as np
import scipy
from scipy import special, stats

SEED = 20240611
rng = np.random.default_rng(SEED)
warnings.simplefilter("ignore")

ALTERNATIVES = ["two-sided", "less", "greater"]


def enc(v):
    """JSON-safe float (or nested list of floats)."""
    if isinstance(v, (list, tuple, np.ndarray)):
        return [enc(u) for u in v]
    if v is None:
        return None
    v = float(v)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return v


def complete_pairs(x, y):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    keep = ~(np.isnan(x) | np.isnan(y))
    return x[keep], y[keep]


# ----------------------------------------------------------------------------- rankdata
rank_cases = []


def add_rank(name, values, method, nan_policy="propagate"):
    values = np.asarray(values, dtype=float)
    expected = stats.rankdata(values, method=method, nan_policy=nan_policy)
    rank_cases.append({"name": name, "values": enc(values), "ties": method,
                       "nan_policy": nan_policy, "expected": enc(expected)})


METHODS = ["average", "min", "max", "dense", "ordinal"]
for m in METHODS:
    add_rank("brief", [100, 200, 300, 200, 100], m)
    add_rank("docstring-omit", [0, 2, 3, np.nan, -2, np.nan], m, "omit")
    add_rank("docstring-propagate", [0, 2, 3, np.nan, -2, np.nan], m, "propagate")
    add_rank("signed-zero", [0.0, -0.0, 1.0, -0.0, -1.0], m)
    add_rank("infinities", [np.inf, 1.0, -5.0, np.inf, 2.0], m)
for n in list(range(0, 41)) + [100, 1000, 3000]:
    for kind in ["continuous", "ties", "nan"]:
        if kind == "continuous":
            v = np.round(rng.normal(size=n), 6)
        elif kind == "ties":
            v = rng.integers(0, max(1, n // 3 + 1), size=n).astype(float)
        else:
            v = rng.integers(0, 5, size=n).astype(float)
            if n:
                v[rng.random(n) < 0.2] = np.nan
        for m in METHODS:
            for policy in (["propagate", "omit"] if kind == "nan" else ["propagate"]):
                add_rank(f"random-{kind}-{n}", v, m, policy)

# ----------------------------------------------------------------------------- paired cases
cases = []


def add_case(name, method, x, y, alternative="two-sided", nan_policy="propagate", **options):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    case = {"name": name, "method": method, "x": enc(x), "y": enc(y),
            "alternative": alternative, "nan_policy": nan_policy, "options": {}}
    if method == "pearson":
        xs, ys = complete_pairs(x, y) if nan_policy == "omit" else (x, y)
        if len(xs) < 2 or np.isnan(xs).any() or np.isnan(ys).any():
            # pearsonr raises on NaN (scipy 1.10 has no nan_policy there): NaN by the propagate policy.
            stat, p, ci = np.nan, np.nan, None
            case["scipy"] = "NaN by the propagate policy (pearsonr raises on NaN)"
        else:
            res = stats.pearsonr(xs, ys, alternative=alternative)
            stat, p = res.statistic, res.pvalue
            ci = None
            level = options.get("confidence_level")
            if level is not None:
                c = res.confidence_interval(level)
                ci = {"level": level, "low": enc(c.low), "high": enc(c.high)}
                case["options"]["confidence_level"] = level
        case.setdefault("scipy", "pearsonr on the complete pairs" if nan_policy == "omit" else "pearsonr")
        if ci is not None:
            case["ci"] = ci
    elif method == "spearman":
        res = stats.spearmanr(x, y, nan_policy=nan_policy, alternative=alternative)
        stat, p = res.statistic, res.pvalue
        case["scipy"] = f"spearmanr(nan_policy={nan_policy!r})"
    elif method in ("kendall", "kendall-c"):
        variant = "b" if method == "kendall" else "c"
        kmethod = options.get("kendall_method", "auto")
        case["options"]["kendall_method"] = kmethod
        if nan_policy == "omit" and variant == "c":
            xs, ys = complete_pairs(x, y)
            res = stats.kendalltau(xs, ys, variant=variant, method=kmethod, alternative=alternative)
            case["scipy"] = "kendalltau(variant='c') on the complete pairs (scipy rejects omit with variant c)"
        else:
            res = stats.kendalltau(x, y, variant=variant, method=kmethod, nan_policy=nan_policy, alternative=alternative)
            case["scipy"] = f"kendalltau(variant={variant!r}, method={kmethod!r}, nan_policy={nan_policy!r})"
        stat, p = res.statistic, res.pvalue
    elif method == "weighted-tau":
        rank = options.get("rank", True)
        additive = options.get("additive", True)
        case["options"].update({"rank": rank, "additive": additive})
        xs, ys = complete_pairs(x, y)
        assert nan_policy == "omit" or len(xs) == len(x)
        res = stats.weightedtau(xs, ys, rank=rank, additive=additive)
        stat, p = res.statistic, res.pvalue
        case["scipy"] = f"weightedtau(rank={rank}, additive={additive}) on the complete pairs"
    elif method == "somers-d":
        xs, ys = complete_pairs(x, y)
        assert nan_policy == "omit" or len(xs) == len(x)
        res = stats.somersd(xs, ys, alternative=alternative)
        stat, p = res.statistic, res.pvalue
        case["scipy"] = "somersd on the complete pairs"
    else:
        raise ValueError(method)
    if nan_policy == "omit":
        xs, ys = complete_pairs(x, y)
        if len(xs) < 2 or (xs == xs[0]).all() or (ys == ys[0]).all():
            # scipy's masked-array (omit) paths return e.g. 0 or a masked value here; Rankwise reports
            # the undefined correlation exactly as for constant input without NaN: NaN, NaN.
            stat, p = np.nan, np.nan
            case["scipy"] += "; overridden: the complete pairs are constant or fewer than 2, so NaN"
            case.pop("ci", None)
    case["statistic"] = enc(stat)
    case["pvalue"] = enc(p)
    cases.append(case)


# Worked examples named in the brief and in scipy's docstrings.
for alt in ALTERNATIVES:
    add_case("brief-spearman", "spearman", [1, 2, 3, 4, 5], [5, 6, 7, 8, 7], alt)
    add_case("brief-kendall", "kendall", [12, 2, 1, 12, 2], [1, 4, 7, 1, 0], alt)
    add_case("brief-kendall-exact-arange10", "kendall", np.arange(10), np.arange(10), alt)
    add_case("kendall-exact-reversed-10", "kendall", np.arange(10), np.arange(10)[::-1], alt)
    add_case("tau-c-ties", "kendall-c", [1, 1, 2, 2, 3, 3, 3, 4], [1, 2, 1, 3, 3, 2, 2, 5], alt)
    add_case("tau-c-rectangular", "kendall-c", [1, 1, 1, 2, 2, 2, 3, 3, 3, 3], [1, 2, 1, 2, 2, 1, 2, 2, 1, 2], alt)
    for level in (0.9, 0.95, 0.99):
        add_case("brief-pearson", "pearson", [1, 2, 3, 4], [0, 1, 0.5, 1], alt, confidence_level=level)
    add_case("pearson-docstring", "pearson", [1, 2, 3, 4, 5], [10, 9, 2.5, 6, 4], alt, confidence_level=0.95)
    add_case("pearson-n3", "pearson", [1, 2, 3.5], [2, 1, 7], alt, confidence_level=0.95)
    add_case("pearson-n2", "pearson", [1, 2], [5, 3], alt, confidence_level=0.95)
    add_case("somers-simple", "somers-d", [1, 2, 3, 4], [1, 2, 2, 3], alt)
    add_case("somers-simple-swapped", "somers-d", [1, 2, 2, 3], [1, 2, 3, 4], alt)
    add_case("somers-brief-data", "somers-d", [12, 2, 1, 12, 2], [1, 4, 7, 1, 0], alt)
for additive in (True, False):
    for rank in (True, False):
        add_case("brief-weightedtau", "weighted-tau", [12, 2, 1, 12, 2], [1, 4, 7, 1, 0], rank=rank, additive=additive)
        add_case("brief-weightedtau-swapped", "weighted-tau", [1, 4, 7, 1, 0], [12, 2, 1, 12, 2], rank=rank, additive=additive)
# scipy's somersd docstring table (hotel cleanliness × satisfaction), expanded to 1-D pairs.
table = np.array([[27, 25, 14, 7, 0], [7, 14, 18, 35, 12], [1, 3, 2, 7, 17]])
tx, ty = [], []
for i in range(table.shape[0]):
    for j in range(table.shape[1]):
        tx += [i + 1] * table[i, j]
        ty += [j + 1] * table[i, j]
for alt in ALTERNATIVES:
    add_case("somers-docstring-table", "somers-d", tx, ty, alt)
    add_case("kendall-docstring-table", "kendall", tx, ty, alt)
    add_case("kendall-c-docstring-table", "kendall-c", tx, ty, alt)
# Exact Kendall beyond n = 33 (auto uses exact only when at most one pair is discordant / concordant).
for n in (34, 40, 60, 100, 170, 171, 200):
    for alt in ALTERNATIVES:
        x = np.arange(n, dtype=float)
        y = x.copy()
        add_case(f"kendall-perfect-{n}", "kendall", x, y, alt)
        y2 = x.copy()
        y2[[3, 4]] = y2[[4, 3]]
        add_case(f"kendall-one-swap-{n}", "kendall", x, y2, alt)
# Explicit exact / asymptotic methods on tie-free data.
for n in (3, 4, 5, 8, 12, 20, 33, 34, 45, 60):
    x = rng.permutation(n).astype(float)
    y = rng.permutation(n).astype(float)
    for alt in ALTERNATIVES:
        for km in ("exact", "asymptotic"):
            add_case(f"kendall-{km}-{n}", "kendall", x, y, alt, kendall_method=km)
# Perfect monotone relationships (|rho| = 1 and scipy's rounding of it).
for n in (3, 4, 5, 10, 28, 29, 100):
    x = np.arange(n, dtype=float) * 1.5 + 2
    for alt in ALTERNATIVES:
        add_case(f"spearman-perfect-{n}", "spearman", x, x ** 3, alt)
        add_case(f"spearman-perfect-negative-{n}", "spearman", x, -x, alt)


def random_pair(n, kind):
    x = rng.normal(size=n)
    slope = rng.choice([0.0, 0.1, 0.3, 1.0, -0.5, 3.0])
    y = slope * x + rng.normal(size=n)
    if kind == "continuous":
        return np.round(x, 6), np.round(y, 6)
    if kind == "rounded":
        return np.round(x, 1), np.round(y, 1)
    if kind == "small-int":
        k = int(rng.integers(2, 7))
        return np.floor(np.clip(x * 1.5 + k / 2, 0, k - 1)), np.floor(np.clip(y + k / 2, 0, k - 1))
    if kind == "mixed":
        return np.round(x, 6), np.round(y, 0)
    raise ValueError(kind)


SIZES = [3, 4, 5, 6, 7, 9, 12, 15, 20, 27, 33, 34, 40, 57, 80, 100, 150, 250, 400, 700, 1000, 2000]
KINDS = ["continuous", "rounded", "small-int", "mixed"]
for method in ["pearson", "spearman", "kendall", "kendall-c", "weighted-tau", "somers-d"]:
    count = 0
    for n in SIZES:
        repeats = 6 if n <= 100 else (3 if n <= 400 else 1)
        for r in range(repeats):
            kind = KINDS[(r + count) % len(KINDS)]
            x, y = random_pair(n, kind)
            alt = ALTERNATIVES[(r + count) % 3]
            with_nan = (r % 3 == 2)
            policy = "propagate"
            if with_nan:
                x = x.copy()
                y = y.copy()
                x[rng.random(n) < 0.08] = np.nan
                y[rng.random(n) < 0.08] = np.nan
                if np.isnan(x).any() or np.isnan(y).any():
                    policy = "omit" if (r + count) % 4 else "propagate"
                if method in ("weighted-tau", "somers-d"):
                    policy = "omit"
            options = {}
            if method == "pearson" and r % 2 == 0:
                options["confidence_level"] = [0.9, 0.95, 0.99][count % 3]
            if method == "weighted-tau":
                options = {"rank": bool(r % 2 == 0), "additive": bool((r // 2) % 2 == 0)}
            if method == "kendall" and r % 5 == 4:
                options["kendall_method"] = "asymptotic"
            add_case(f"random-{method}-{kind}-{n}-{r}", method, x, y, alt, policy, **options)
            count += 1

# ----------------------------------------------------------------------------- correlation matrices
matrices = []


def add_matrix(name, kind, a, b=None):
    a = np.asarray(a, dtype=float)
    if kind == "pearson":
        if b is None:
            expected = np.corrcoef(a, rowvar=False)
        else:
            expected = np.corrcoef(a, np.asarray(b, dtype=float), rowvar=False)[: a.shape[1], a.shape[1]:]
    else:
        if b is None:
            expected = stats.spearmanr(a).statistic
        else:
            expected = stats.spearmanr(a, np.asarray(b, dtype=float)).statistic[: a.shape[1], a.shape[1]:]
    entry = {"name": name, "kind": kind, "a": enc(a), "expected": enc(np.atleast_2d(expected))}
    if b is not None:
        entry["b"] = enc(np.asarray(b, dtype=float))
    matrices.append(entry)


for (n, p) in [(10, 3), (50, 7), (200, 33), (31, 5)]:
    a = rng.normal(size=(n, p))
    a[:, 1] += 0.8 * a[:, 0]
    for kind in ("pearson", "spearman"):
        add_matrix(f"{kind}-{n}x{p}", kind, np.round(a, 6))
        add_matrix(f"{kind}-ties-{n}x{p}", kind, np.round(a, 0))
a = np.round(rng.normal(size=(40, 6)), 6)
a[:, 3] = 3.0
for kind in ("pearson", "spearman"):
    add_matrix(f"{kind}-constant-column", kind, a)
a = np.round(rng.normal(size=(40, 5)), 6)
a[7, 2] = np.nan
for kind in ("pearson", "spearman"):
    add_matrix(f"{kind}-nan-column", kind, a)
for (n, p, q) in [(30, 4, 6), (120, 9, 3), (17, 1, 5)]:
    a = np.round(rng.normal(size=(n, p)), 6)
    b = np.round(rng.normal(size=(n, q)) + 0.5 * a[:, :1], 6)
    for kind in ("pearson", "spearman"):
        add_matrix(f"{kind}-cross-{n}x{p}x{q}", kind, a, b)

# ----------------------------------------------------------------------------- special functions
# scipy's distribution functions behind the p-values, with mpmath (50 digits) as the truth.
mpmath.mp.dps = 50
special_cases = []
for df in [1, 2, 3, 5, 8, 13, 30, 100, 998, 5000, 20000, 100000, 1000000]:
    for t in [-40.0, -12.5, -6.0, -4.0, -2.5, -1.7, -1.0, -0.3, -1e-3, 0.0, 0.7, 2.0, 9.0]:
        nu = mpmath.mpf(df)
        tt = mpmath.mpf(t)
        truth = mpmath.betainc(nu / 2, mpmath.mpf(1) / 2, 0, nu / (nu + tt * tt), regularized=True) / 2
        if t > 0:
            truth = 1 - truth
        special_cases.append({"function": "stdtr", "df": df, "t": t,
                              "scipy": enc(special.stdtr(df, t)), "mpmath": enc(truth)})
for n in [3, 4, 5, 6, 7, 10, 17, 18, 19, 40, 101, 1000, 2000]:
    a = n / 2 - 1
    for r in [-0.999, -0.9, -0.5, -0.1, 0.0, 0.05, 0.3, 0.7, 0.95, 0.9999]:
        dist = stats.beta(a, a, loc=-1, scale=2)
        x = (abs(r) + 1) / 2  # as scipy's beta(loc=-1, scale=2) forms it; the upper tail is I_{1-x}(a, a)
        truth = mpmath.betainc(a, a, 0, 1 - mpmath.mpf(x), regularized=True)
        special_cases.append({"function": "pearson_sf", "n": n, "r": abs(r),
                              "scipy": enc(dist.sf(abs(r))), "mpmath": enc(truth)})
for z in [-38.0, -20.0, -8.5, -3.0, -0.7, -0.2, 0.0, 0.4, 1.96, 6.0, 9.0]:
    truth = mpmath.ncdf(z)
    special_cases.append({"function": "ndtr", "z": z, "scipy": enc(special.ndtr(z)), "mpmath": enc(truth)})

out = {
    "meta": {"scipy": scipy.__version__, "numpy": np.__version__, "mpmath": mpmath.__version__, "seed": SEED,
             "command": "cd tests/ReferenceData/stats && /usr/bin/python3 make_stats_reference.py"},
    "rankdata": rank_cases,
    "cases": cases,
    "matrices": matrices,
    "special": special_cases,
}
with open("stats_reference.json", "w") as f:
    json.dump(out, f, separators=(",", ":"))
print(f"{len(rank_cases)} rankdata, {len(cases)} paired, {len(matrices)} matrix, {len(special_cases)} special cases")

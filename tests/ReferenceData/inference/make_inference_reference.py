# Generates inference_reference.json: golden values for Rankwise.Inference (bootstrap, permutation_test).
# Command (run from this directory, with scipy 1.10.1 / numpy 1.24.2):
#     /usr/bin/python3 make_inference_reference.py
#
# Bootstrap: for fixed data sets and statistics, scipy.stats.bootstrap is run once per data set (fixed
# random_state) and the same bootstrap distribution is reused (bootstrap_result=..., n_resamples=0) for every
# method / confidence level. scipy 1.10 has no `alternative`; one-sided intervals are produced with scipy >= 1.11's
# definition: alpha = 1 - level, i.e. the 1.10 two-sided interval at level 2*level - 1 (same alpha, checked bitwise
# below) with the lower end set to -inf ('less') or the upper end to +inf ('greater').
# The jackknife values stored are those scipy's BCa uses (its own _jackknife_resample over the same statistic).
#
# Permutation tests: scipy.stats.permutation_test for all three alternatives; exact cases store the full null
# distribution in scipy's enumeration order.
import json
import warnings

import numpy as np
import scipy
import scipy.special as sc
from scipy import stats
from scipy.stats._axis_nan_policy import _broadcast_arrays
from scipy.stats._resampling import _jackknife_resample

assert scipy.__version__.startswith("1.10"), scipy.__version__


def mean(x, axis=-1):
    return np.mean(x, axis=axis)


def median(x, axis=-1):
    return np.median(x, axis=axis)


def pearson(x, y, axis=-1):
    xm = x - np.mean(x, axis=axis, keepdims=True)
    ym = y - np.mean(y, axis=axis, keepdims=True)
    return np.sum(xm * ym, axis=axis) / np.sqrt(np.sum(xm * xm, axis=axis) * np.sum(ym * ym, axis=axis))


def diff_means(x, y, axis=-1):
    return np.mean(x, axis=axis) - np.mean(y, axis=axis)


def mean_diff(x, y, axis=-1):
    return np.mean(x - y, axis=axis)


STATISTICS = {"mean": mean, "median": median, "pearson": pearson, "diff_means": diff_means, "mean_diff": mean_diff}


def jackknife(data, statistic, paired):
    """Leave-one-out values per sample group, formed exactly as scipy's _bca_interval forms them."""
    if paired:
        n = len(data[0])
        groups = []
        for jk in _jackknife_resample(np.arange(n)):
            groups.append(statistic(*[np.asarray(s)[..., jk] for s in data], axis=-1))
        return [np.concatenate(groups).tolist()]
    result = []
    for j, sample in enumerate(data):
        samples = [np.expand_dims(np.asarray(s), -2) for s in data]
        values = []
        for jk in _jackknife_resample(np.asarray(sample)):
            samples[j] = jk
            values.append(statistic(*_broadcast_arrays(samples, axis=-1), axis=-1))
        result.append(np.concatenate([np.atleast_1d(v) for v in values]).tolist())
    return result


def bootstrap_case(name, stat_name, data, paired, resamples, seed, levels=(0.9, 0.95, 0.99)):
    statistic = STATISTICS[stat_name]
    data = [np.asarray(d, dtype=float) for d in data]
    res = stats.bootstrap(data, statistic, n_resamples=resamples, paired=paired, vectorized=True,
                          method="percentile", random_state=seed)
    dist = res.bootstrap_distribution
    observed = float(statistic(*data, axis=-1))
    intervals = []
    for method in ("percentile", "basic", "BCa"):
        for level in levels:
            for alternative in ("two-sided", "less", "greater"):
                scipy_level = level if alternative == "two-sided" else 2 * level - 1
                if alternative != "two-sided":
                    assert (1 - scipy_level) / 2 == 1 - level  # same alpha bit for bit
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    r = stats.bootstrap(data, statistic, n_resamples=0, paired=paired, vectorized=True,
                                        method=method, confidence_level=scipy_level, bootstrap_result=res)
                low, high = float(r.confidence_interval.low), float(r.confidence_interval.high)
                if alternative == "less":
                    low = -np.inf
                elif alternative == "greater":
                    high = np.inf
                degenerate = [str(w.message) for w in caught if type(w.message).__name__ == "DegenerateDataWarning"]
                intervals.append({"method": method.lower(), "level": level, "alternative": alternative,
                                  "low": low, "high": high, "degenerate_warning": len(degenerate) > 0})
    return {
        "name": name, "statistic": stat_name, "paired": paired, "data": [d.tolist() for d in data],
        "seed": seed, "resamples": resamples, "observed": observed,
        "jackknife": jackknife(data, statistic, paired),
        "distribution": dist.tolist(), "standard_error": float(res.standard_error),
        "intervals": intervals,
    }


def permutation_case(name, stat_name, data, permutation_type, resamples, seed, statistic=None, note="", fixed_x=None):
    statistic = statistic or STATISTICS[stat_name]
    data = [np.asarray(d, dtype=float) for d in data]
    out = {"name": name, "statistic": stat_name, "type": permutation_type, "data": [d.tolist() for d in data],
           "resamples": resamples, "seed": seed, "note": note, "pvalues": {}}
    if fixed_x is not None:
        out["fixed_x"] = np.asarray(fixed_x, dtype=float).tolist()
    for alternative in ("two-sided", "less", "greater"):
        r = stats.permutation_test(data, statistic, permutation_type=permutation_type, vectorized=True,
                                   n_resamples=resamples, alternative=alternative, random_state=seed)
        out["pvalues"][alternative] = float(r.pvalue)
        out["observed"] = float(r.statistic)
        null = np.asarray(r.null_distribution)
        out["null_size"] = int(null.size)
    if permutation_type == "independent":
        distinct = 1.0
        remaining = sum(len(d) for d in data)
        for d in data:
            distinct *= sc.comb(remaining, len(d), exact=True)
            remaining -= len(d)
    elif permutation_type == "pairings":
        distinct = sc.factorial(len(data[0]), exact=True) ** len(data)
    else:
        distinct = (2 ** len(data[0])) if len(data) == 1 else sc.factorial(len(data), exact=True) ** len(data[0])
    out["exact"] = bool(resamples >= distinct)
    if out["exact"] and null.size <= 10000:  # the largest exact distributions are not stored (file size)
        out["null_distribution"] = null.tolist()
    return out


rng = np.random.default_rng(20240601)
boot = []
boot.append(bootstrap_case("mean_normal_n30", "mean", [rng.normal(2.0, 3.0, 30)], False, 9999, 12345))
x = rng.normal(0, 1, 25)
y = 0.6 * x + rng.normal(0, 0.8, 25)
boot.append(bootstrap_case("pearson_paired_n25", "pearson", [x, y], True, 4999, 777))
boot.append(bootstrap_case("median_ties_n21", "median", [np.round(rng.normal(10, 2, 21))], False, 4999, 4242))
boot.append(bootstrap_case("median_n20", "median", [np.round(rng.normal(10, 2, 20), 1)], False, 2999, 4343))
boot.append(bootstrap_case("mean_exponential_n15", "mean", [rng.exponential(2.0, 15)], False, 2999, 99))
boot.append(bootstrap_case("diffmeans_independent_12_15", "diff_means",
                           [rng.normal(1.0, 1.0, 12), rng.normal(0.3, 1.5, 15)], False, 2999, 2023))
boot.append(bootstrap_case("mean_constant_n10", "mean", [np.full(10, 3.0)], False, 999, 5))

# The golden pair: one fixed data set, a BCa interval of Pearson's r and an exact permutation p-value.
gx = [0.21, 1.35, -0.42, 2.10, 0.87, -1.12, 1.64, 0.05]
gy = [0.48, 1.02, -0.95, 1.77, 1.31, -0.60, 0.92, 0.33]
golden_boot = bootstrap_case("golden_pearson_n8", "pearson", [gx, gy], True, 9999, 31415, levels=(0.95,))
assert not np.isnan(golden_boot["distribution"]).any()
boot.append(golden_boot)

perm = []
gxa, gya = np.asarray(gx), np.asarray(gy)
perm.append(permutation_case("golden_pearson_n8_pairings_exact", "pearson_with_fixed_x", [gy], "pairings", 40320, 0,
                             statistic=lambda yp, axis=-1: pearson(gxa, yp, axis=axis),
                             note="data=(y,), statistic pearson(x, y_permuted)", fixed_x=gxa))
px = np.round(rng.normal(0, 1, 6), 2)
py = np.round(0.5 * px + rng.normal(0, 1, 6), 2)
perm.append(permutation_case("pearson_pairings_n6_exact", "pearson_with_fixed_x", [py], "pairings", 9999, 0,
                             statistic=lambda yp, axis=-1: pearson(px, yp, axis=axis),
                             note="data=(y,), statistic pearson(x, y_permuted)", fixed_x=px))
tx = np.array([1.0, 2.0, 4.0, 3.0])
ty = np.array([2.0, 4.0, 6.0, 8.0])
perm.append(permutation_case("pearson_pairings_ties_n4_exact", "pearson_with_fixed_x", [ty], "pairings", 9999, 0,
                             statistic=lambda yp, axis=-1: pearson(tx, yp, axis=axis),
                             note="scipy docstring example: null values 0.7999999999999999 and 0.8 tie", fixed_x=tx))
qx = np.round(rng.normal(0, 1, 4), 2)
qy = np.round(qx + rng.normal(0, 1, 4), 2)
perm.append(permutation_case("pearson_pairings_both_n4_exact", "pearson", [qx, qy], "pairings", 9999, 0,
                             note="both samples permuted: (4!)^2 = 576"))
sx = np.round(rng.normal(0.5, 1, 8), 2)
sy = np.round(rng.normal(0.0, 1, 8), 2)
perm.append(permutation_case("meandiff_samples_n8_exact", "mean_diff", [sx, sy], "samples", 9999, 0))
perm.append(permutation_case("mean_signflip_n10_exact", "mean", [np.round(rng.normal(0.4, 1, 10), 2)], "samples", 9999, 0))
s3 = [np.round(rng.normal(m, 1, 5), 2) for m in (0.0, 0.5, 1.0)]
perm.append(permutation_case("weighted_samples_m3_n5_exact", "weighted3",
                             s3, "samples", 9999, 0,
                             statistic=lambda a, b, c, axis=-1: np.mean(a, axis=axis) + 0.5 * np.mean(b, axis=axis) - np.mean(c, axis=axis),
                             note="statistic mean(a) + 0.5*mean(b) - mean(c); (3!)^5 = 7776"))
perm.append(permutation_case("diffmeans_independent_5_4_exact", "diff_means",
                             [np.round(rng.normal(1, 1, 5), 2), np.round(rng.normal(0, 1, 4), 2)], "independent", 9999, 0))


def between_groups(a, b, c, axis=-1):
    groups = [a, b, c]
    sizes = [g.shape[axis] for g in groups]
    grand = np.sum(np.concatenate(groups, axis=axis), axis=axis) / sum(sizes)
    return sum(n * (np.mean(g, axis=axis) - grand) ** 2 for n, g in zip(sizes, groups))


perm.append(permutation_case("between_independent_3_3_2_exact", "between_groups",
                             [np.round(rng.normal(m, 1, k), 2) for m, k in ((0, 3), (1, 3), (2, 2))], "independent", 9999, 0,
                             statistic=between_groups, note="sum_g n_g (mean_g - grand mean)^2; 8!/(3!3!2!) = 560"))
rx = rng.normal(0, 1, 30)
ry = 0.3 * rx + rng.normal(0, 1, 30)
perm.append(permutation_case("pearson_pairings_n30_random", "pearson_with_fixed_x", [ry], "pairings", 9999, 11,
                             statistic=lambda yp, axis=-1: pearson(rx, yp, axis=axis), fixed_x=rx))
perm.append(permutation_case("diffmeans_independent_20_25_random", "diff_means",
                             [rng.normal(0.4, 1, 20), rng.normal(0, 1, 25)], "independent", 9999, 12))
mx = rng.normal(0.2, 1, 40)
perm.append(permutation_case("meandiff_samples_n40_random", "mean_diff", [mx + rng.normal(0, 0.3, 40), mx], "samples", 9999, 13))

# Helpers: ndtr / ndtri and numpy reductions (pairwise summation) on awkward lengths.
special = {
    "ndtr": [[float(v), float(sc.ndtr(v))] for v in [-40.0, -9.0, -3.3, -1.0, -0.7071, -0.3, 0.0, 0.2, 0.70710678, 1.5, 4.0, 8.5]],
    "ndtri": [[float(p), float(sc.ndtri(p))] for p in [1e-300, 1e-20, 1e-5, 0.0005, 0.025, 0.05, 0.1, 0.3, 0.5, 0.6, 0.9, 0.975, 0.9995, 1 - 1e-12]],
    "reductions": [],
}
for n in (1, 5, 7, 8, 9, 17, 128, 129, 300, 1001):
    v = rng.standard_cauchy(n) * 1e3 + 1e8 * rng.normal(0, 1, n)
    special["reductions"].append({"values": v.tolist(), "sum": float(np.sum(v)), "mean": float(np.mean(v)),
                                  "std_ddof1": float(np.std(v, ddof=1)) if n > 1 else None})

out = {"scipy": scipy.__version__, "numpy": np.__version__, "bootstrap": boot, "permutation": perm, "special": special}


def clean(o):
    if isinstance(o, float):
        if np.isnan(o):
            return "NaN"
        if np.isinf(o):
            return "Infinity" if o > 0 else "-Infinity"
    if isinstance(o, dict):
        return {k: clean(v) for k, v in o.items()}
    if isinstance(o, list):
        return [clean(v) for v in o]
    return o


with open("inference_reference.json", "w") as f:
    json.dump(clean(out), f, separators=(",", ":"))
print("wrote inference_reference.json:", len(boot), "bootstrap cases,", len(perm), "permutation cases")

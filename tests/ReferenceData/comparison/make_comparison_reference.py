# Generates comparison_reference.json: golden values for Rankwise.Comparison.
# Command (run from this directory, with numpy 1.24 / scipy 1.10):
#     /usr/bin/python3 make_comparison_reference.py
#
# "dependent": Steiger's (1980) z, Hittner et al.'s (2003) z and Zou's (2007) interval for two dependent overlapping
#   correlations, written from the formulas published in the cocor documentation (Diedenhofen & Musch 2015), with
#   scipy.stats.norm for p-values and quantiles; Williams' t recomputed with scipy.stats.t as a cross-check of the R
#   reference (dependent_psych.csv from make_dependent_reference.R). Zou's one-sided bounds use z_(1-alpha).
# "studentT": scipy.stats.t.sf on a grid of t and df (the p-values of Williams' t).
# "correlations": scipy.stats.pearsonr / spearmanr / kendalltau (tau-b) on random vectors with and without ties.
# "training": per-epoch MSE, MAE, Pearson, Spearman, Kendall tau-b of synthetic memorability-style predictions, and
#   the epochs where Spearman rose while MSE rose too (and the reverse), found by a plain loop.
import json
import math
import warnings

import numpy as np
import scipy
from scipy import stats

assert scipy.__version__.startswith("1.10"), scipy.__version__
rng = np.random.default_rng(7)
warnings.simplefilter("ignore")


def sqrt(v):
    return math.sqrt(v) if v >= 0 else math.nan  # degenerate configurations give NaN, as in R


def fisher(r):
    return 0.5 * math.log((1 + r) / (1 - r))


def pooled_z(rjk, rjh, rkh, n, rp):
    cov = (rkh * (1 - 2 * rp ** 2) - 0.5 * rp ** 2 * (1 - 2 * rp ** 2 - rkh ** 2)) / (1 - rp ** 2) ** 2
    return math.sqrt(n - 3) * (fisher(rjk) - fisher(rjh)) / sqrt(2 - 2 * cov)


def p_values(stat, sf):
    if math.isnan(stat):
        return {"two-sided": None, "greater": None, "less": None}
    return {"two-sided": min(1.0, 2 * sf(abs(stat))), "greater": sf(stat), "less": sf(-stat)}


def zou(rjk, rjh, rkh, n, level, alternative):
    alpha = 1 - level
    q = stats.norm.ppf(1 - alpha / 2) if alternative == "two-sided" else stats.norm.ppf(1 - alpha)
    x = q * math.sqrt(1 / (n - 3))
    c = ((rkh - 0.5 * rjk * rjh) * (1 - rjk ** 2 - rjh ** 2 - rkh ** 2) + rkh ** 3) / ((1 - rjk ** 2) * (1 - rjh ** 2))
    l1, u1 = math.tanh(fisher(rjk) - x), math.tanh(fisher(rjk) + x)
    l2, u2 = math.tanh(fisher(rjh) - x), math.tanh(fisher(rjh) + x)
    low = rjk - rjh - sqrt((rjk - l1) ** 2 + (u2 - rjh) ** 2 - 2 * c * (rjk - l1) * (u2 - rjh))
    high = rjk - rjh + sqrt((u1 - rjk) ** 2 + (rjh - l2) ** 2 - 2 * c * (u1 - rjk) * (rjh - l2))
    if alternative == "greater":
        high = 2.0
    elif alternative == "less":
        low = -2.0
    return [low, high]


def williams(rjk, rjh, rkh, n):
    det = 1 - rjk ** 2 - rjh ** 2 - rkh ** 2 + 2 * rjk * rjh * rkh
    rbar = (rjk + rjh) / 2
    return (rjk - rjh) * math.sqrt((n - 1) * (1 + rkh) / (2 * (n - 1) / (n - 3) * det + rbar ** 2 * (1 - rkh) ** 3))


def dependent_cases():
    configs = [(0.2, 0.5, 0.1, 315), (0.3, 0.4, 0.5, 100), (0.4, 0.5, 0.1, 103), (0.396, 0.179, 0.088, 66)]
    for _ in range(56):
        m = int(rng.choice([8, 20, 60, 300]))
        x = rng.normal(size=(m, 3)) @ rng.normal(size=(3, 3))
        r = np.corrcoef(x, rowvar=False)
        n = int(rng.choice([4, 6, 12, 50, 200, 1000, 20000]))
        configs.append((float(r[0, 1]), float(r[0, 2]), float(r[1, 2]), n))
    out = []
    for rjk, rjh, rkh, n in configs:
        t = williams(rjk, rjh, rkh, n)
        zs = pooled_z(rjk, rjh, rkh, n, (rjk + rjh) / 2)
        zh = pooled_z(rjk, rjh, rkh, n, math.tanh((fisher(rjk) + fisher(rjh)) / 2))
        entry = {
            "r_jk": rjk, "r_jh": rjh, "r_kh": rkh, "n": n,
            "williams": {"statistic": nan_to_none(t), "p": p_values(t, lambda s: float(stats.t.sf(s, n - 3)))},
            "steiger": {"statistic": nan_to_none(zs), "p": p_values(zs, lambda s: float(stats.norm.sf(s)))},
            "hittner": {"statistic": nan_to_none(zh), "p": p_values(zh, lambda s: float(stats.norm.sf(s)))},
            "zou": {str(level): {alt: [nan_to_none(v) for v in zou(rjk, rjh, rkh, n, level, alt)] for alt in ["two-sided", "greater", "less"]}
                    for level in [0.9, 0.95, 0.99]},
        }
        out.append(entry)
    return out


def correlation_cases():
    out = []
    for c in range(60):
        n = int(rng.integers(2, 120))
        if c % 3 == 0:
            x, y = rng.normal(size=n), rng.normal(size=n)
        elif c % 3 == 1:
            x, y = rng.integers(0, 5, size=n).astype(float), rng.integers(0, 4, size=n).astype(float)
        else:
            x = rng.normal(size=n)
            y = np.round(x + rng.normal(scale=0.5, size=n), 1)
        if np.all(x == x[0]) or np.all(y == y[0]):
            continue
        out.append({"x": x.tolist(), "y": y.tolist(),
                    "pearson": float(stats.pearsonr(x, y)[0]),
                    "spearman": float(stats.spearmanr(x, y)[0]),
                    "kendall": float(stats.kendalltau(x, y)[0])})
    return out


def nan_to_none(v):
    return None if isinstance(v, float) and math.isnan(v) else v


def training_case():
    n = 250
    target = np.round(rng.uniform(0.4, 1.0, size=n), 2)  # memorability-like scores with ties
    epochs = []
    settings = [(0.2, 0.0, 0.20), (0.5, 0.05, 0.12), (0.7, 0.15, 0.08), (0.8, -0.02, 0.07), (0.85, 0.1, 0.05),
                (0.6, 0.0, 0.06), (0.9, 0.12, 0.04), (None, None, None), (0.95, 0.0, 0.03)]
    for e, (gain, bias, noise) in enumerate(settings):
        if gain is None:
            pred = np.full(n, 0.7)  # a collapsed model: constant prediction, undefined correlations
        else:
            pred = np.round(0.7 + gain * (target - 0.7) + bias + rng.normal(scale=noise, size=n), 3)
        epochs.append({"epoch": 2 * e + 1, "predictions": pred.tolist(),
                       "mse": float(np.mean((pred - target) ** 2)), "mae": float(np.mean(np.abs(pred - target))),
                       "pearson": nan_to_none(float(stats.pearsonr(pred, target)[0])),
                       "spearman": nan_to_none(float(stats.spearmanr(pred, target)[0])),
                       "kendall": nan_to_none(float(stats.kendalltau(pred, target)[0]))})
    up, down = [], []
    for a, b in zip(epochs, epochs[1:]):
        ra, rb = a["spearman"], b["spearman"]
        if ra is None or rb is None:
            continue
        if rb > ra and b["mse"] > a["mse"]:
            up.append([a["epoch"], b["epoch"]])
        if rb < ra and b["mse"] < a["mse"]:
            down.append([a["epoch"], b["epoch"]])
    return {"targets": target.tolist(), "epochs": epochs,
            "rankImprovedLossWorsened": up, "lossImprovedRankWorsened": down}


def student_t_grid():
    out = []
    for df in [1, 2, 3, 5, 10, 39, 40, 41, 100, 197, 1000, 4997, 99997, 1e6]:
        for t in [-3.0, -0.5, 1e-8, 0.3, 1.0, 1.7, 2.0, 3.5, 7.9, 12.0, 31.0, 100.0, 1e5]:
            out.append([t, df, float(stats.t.sf(t, df))])
    return out


reference = {
    "versions": {"numpy": np.__version__, "scipy": scipy.__version__},
    "dependent": dependent_cases(),
    "studentT": student_t_grid(),
    "correlations": correlation_cases(),
    "training": training_case(),
}
with open("comparison_reference.json", "w") as f:
    json.dump(reference, f, separators=(",", ":"))
print("wrote comparison_reference.json")

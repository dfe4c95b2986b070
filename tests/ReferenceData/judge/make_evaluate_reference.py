# Golden values for `rankwise evaluate` on the shipped example (examples/data/memorability_scores.csv, simulated).
# Command (run from this directory, with numpy 1.24 / scipy 1.10):
#     /usr/bin/python3 make_evaluate_reference.py
#
# For each prediction column against "memorability": scipy.stats.spearmanr, kendalltau (tau-b), pearsonr, and
# numpy's MSE and MAE; the correlations between the two models (for the dependent-correlation tests); and for the
# run group model_b_seed1..3 the mean, sample SD (ddof=1) and Student-t interval of each metric over the runs.
import csv
import json
import os

import numpy as np
import scipy
from scipy import stats

assert scipy.__version__.startswith("1.10"), scipy.__version__
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "..", "..", "..", "examples", "data", "memorability_scores.csv")) as f:
    rows = list(csv.DictReader(f))
truth = np.array([float(r["memorability"]) for r in rows])
columns = ["model_a", "model_b", "model_b_seed1", "model_b_seed2", "model_b_seed3"]
data = {c: np.array([float(r[c]) for r in rows]) for c in columns}


def metrics(p):
    return {
        "spearman": float(stats.spearmanr(p, truth).correlation),
        "kendall": float(stats.kendalltau(p, truth).correlation),
        "pearson": float(stats.pearsonr(p, truth)[0]),
        "mse": float(np.mean((p - truth) ** 2)),
        "mae": float(np.mean(np.abs(p - truth))),
    }


models = {c: metrics(data[c]) for c in columns}
runs = ["model_b_seed1", "model_b_seed2", "model_b_seed3"]
group = {}
for m in ["spearman", "kendall", "pearson", "mse", "mae"]:
    values = np.array([models[r][m] for r in runs])
    mean, sd = float(values.mean()), float(values.std(ddof=1))
    half = float(stats.t.ppf(0.975, len(values) - 1) * sd / np.sqrt(len(values)))
    group[m] = {"mean": mean, "sd": sd, "low": mean - half, "high": mean + half}
reference = {
    "versions": {"numpy": np.__version__, "scipy": scipy.__version__},
    "items": len(truth),
    "models": models,
    "between": {
        "spearman": float(stats.spearmanr(data["model_a"], data["model_b"]).correlation),
        "pearson": float(stats.pearsonr(data["model_a"], data["model_b"])[0]),
    },
    "group": group,
}
with open(os.path.join(here, "evaluate_reference.json"), "w") as f:
    json.dump(reference, f, indent=1)

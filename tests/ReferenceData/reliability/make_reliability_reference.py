# Generates the split-half golden data for Rankwise.Reliability.SplitHalfConsistency.ScoreSplit and ResponseTable.
# Command (run from this directory, with numpy 1.24 / scipy 1.10):
#     /usr/bin/python3 make_reliability_reference.py
#
# responses_long.csv: a simulated memorability-style experiment in long format (subject,item,hit): 30 subjects,
#   60 items, each subject sees a random subset of the items (so some items are missing from some halves), a few
#   NA responses (skipped), a few repeated (subject, item) responses (both count) and rare items seen by 1-3 subjects.
# responses_wide.csv: the same kind of data as a subjects x items matrix with a subject column and empty cells.
# reliability_reference.json: for fixed subject splits (given as first-half flags), the items scored in both
#   halves, the number left out, and scipy.stats.spearmanr / pearsonr / kendalltau (tau-b) of the half means;
#   item means over all subjects in order of first appearance.
import csv
import json

import numpy as np
import scipy
from scipy import stats

assert scipy.__version__.startswith("1.10"), scipy.__version__
rng = np.random.default_rng(11)


def simulate(subjects, items, seen_fraction):
    effect = rng.normal(0, 1, items)
    records = []
    for s in range(subjects):
        seen = rng.permutation(items)[: int(seen_fraction * items)]
        for i in seen:
            p = 1 / (1 + np.exp(-(effect[i] + 0.3)))
            records.append((f"s{s:02d}", f"img{i:03d}", int(rng.random() < p)))
    order = rng.permutation(len(records))
    return [records[k] for k in order]


def split_case(subject_names, item_names, records, first_half):
    half = {s: (0 if f else 1) for s, f in zip(subject_names, first_half)}
    sums = np.zeros((2, len(item_names)))
    counts = np.zeros((2, len(item_names)))
    index = {name: k for k, name in enumerate(item_names)}
    for s, i, v in records:
        if v is None:
            continue
        sums[half[s], index[i]] += v
        counts[half[s], index[i]] += 1
    both = (counts[0] > 0) & (counts[1] > 0)
    a = sums[0, both] / counts[0, both]
    b = sums[1, both] / counts[1, both]
    return {
        "first_half": [bool(f) for f in first_half],
        "items": int(both.sum()),
        "left_out": int((~both).sum()),
        "spearman": float(stats.spearmanr(a, b).correlation),
        "pearson": float(stats.pearsonr(a, b)[0]),
        "kendall": float(stats.kendalltau(a, b).correlation),
    }


def ordered_unique(values):
    seen = {}
    for v in values:
        seen.setdefault(v, len(seen))
    return list(seen)


def item_means(item_names, records):
    sums = {i: 0.0 for i in item_names}
    counts = {i: 0 for i in item_names}
    for _, i, v in records:
        if v is not None:
            sums[i] += v
            counts[i] += 1
    return [sums[i] / counts[i] if counts[i] else None for i in item_names]


# Long file.
records = simulate(30, 60, 0.4)
records = [(s, i, None if k % 97 == 5 else v) for k, (s, i, v) in enumerate(records)]  # some NA
records += [records[k] for k in (3, 17, 40) if records[k][2] is not None]  # repeated responses
# Rare items: one seen by a single subject (left out of every split), others by two or three subjects.
records += [("s00", "rare0", 1), ("s01", "rare1", 1), ("s02", "rare1", 0), ("s03", "rare2", 1), ("s04", "rare2", 1), ("s05", "rare2", 0)]
with open("responses_long.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["subject", "item", "hit"])
    for s, i, v in records:
        w.writerow([s, i, "NA" if v is None else v])
subjects = ordered_unique([r[0] for r in records])
items = ordered_unique([r[1] for r in records])
long_cases = []
for trial in range(6):
    flags = np.zeros(len(subjects), dtype=bool)
    flags[rng.permutation(len(subjects))[: len(subjects) // 2 - (trial % 2)]] = True
    long_cases.append(split_case(subjects, items, records, flags))

# Wide file: 12 subjects x 25 items, about 30 % empty.
wide = rng.normal(3, 1, (12, 25)) + rng.normal(0, 1, 25)
wide = np.round(wide, 3)
mask = rng.random(wide.shape) < 0.3
with open("responses_wide.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["subject"] + [f"w{j}" for j in range(25)])
    for s in range(12):
        w.writerow([f"p{s}"] + ["" if mask[s, j] else repr(float(wide[s, j])) for j in range(25)])
wide_records = [(f"p{s}", f"w{j}", float(wide[s, j])) for s in range(12) for j in range(25) if not mask[s, j]]
wide_subjects = [f"p{s}" for s in range(12)]
wide_items = [f"w{j}" for j in range(25)]
wide_cases = []
for trial in range(4):
    flags = np.zeros(12, dtype=bool)
    flags[rng.permutation(12)[:6]] = True
    wide_cases.append(split_case(wide_subjects, wide_items, wide_records, flags))

reference = {
    "versions": {"numpy": np.__version__, "scipy": scipy.__version__},
    "long": {
        "subjects": subjects,
        "items": items,
        "responses": sum(1 for r in records if r[2] is not None),
        "missing": sum(1 for r in records if r[2] is None),
        "item_means": item_means(items, records),
        "splits": long_cases,
    },
    "wide": {
        "subjects": wide_subjects,
        "items": wide_items,
        "responses": len(wide_records),
        "missing": int(mask.sum()),
        "item_means": item_means(wide_items, wide_records),
        "splits": wide_cases,
    },
}
with open("reliability_reference.json", "w") as f:
    json.dump(reference, f, indent=1)

# Generates assignment_reference.json: golden results of scipy.optimize.linear_sum_assignment.
# Command (from the repository root; scipy 1.10 / numpy 1.24):
#   /usr/bin/python3 tests/ReferenceData/assignment/make_assignment_reference.py
#
# Every case holds the cost matrix (row-major; non-finite entries as the strings "Infinity", "-Infinity", "NaN"),
# `maximize`, and either scipy's result (rows, cols, total = cost[rows, cols].sum()) or the error scipy raised
# ("infeasible" for "cost matrix is infeasible", "invalid" for "matrix contains invalid numeric entries").
# `unique` says whether the optimal assignment is unique (checked by forbidding each chosen pair in turn and
# re-solving: unique iff every such re-solve is infeasible or strictly worse); tests compare the exact pairs only then.
import json
import math
import os

import numpy as np
import scipy
from scipy.optimize import linear_sum_assignment

assert scipy.__version__.startswith("1.10"), scipy.__version__

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20240611)
cases = []


def encode(x):
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def solve(cost, maximize):
    try:
        r, c = linear_sum_assignment(cost, maximize=maximize)
    except ValueError as e:
        msg = str(e)
        if "infeasible" in msg:
            return "infeasible"
        if "invalid numeric entries" in msg:
            return "invalid"
        raise
    return r, c


def is_unique(cost, maximize, rows, cols, total):
    forbidden = -np.inf if maximize else np.inf
    scale = max(1.0, abs(total))
    for i, j in zip(rows, cols):
        alt = cost.copy()
        alt[i, j] = forbidden
        res = solve(alt, maximize)
        if res == "infeasible":
            continue
        alt_total = float(cost[res[0], res[1]].sum())
        gap = (total - alt_total) if maximize else (alt_total - total)
        if gap <= 1e-9 * scale:
            return False
    return True


def add(name, cost, maximize=False):
    cost = np.asarray(cost, dtype=np.float64)
    assert cost.ndim == 2
    case = {
        "name": name,
        "rows": int(cost.shape[0]),
        "cols": int(cost.shape[1]),
        "maximize": bool(maximize),
        "cost": [encode(x) for x in cost.ravel()],
    }
    res = solve(cost, maximize)
    if isinstance(res, str):
        case["error"] = res
    else:
        r, c = res
        total = float(cost[r, c].sum()) if len(r) else 0.0
        case["expectedRows"] = [int(x) for x in r]
        case["expectedCols"] = [int(x) for x in c]
        case["total"] = total
        case["unique"] = bool(is_unique(cost, maximize, r, c, total))
    cases.append(case)


# Random float matrices, square.
for n in [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 16, 20, 25, 31, 32, 33, 47, 60]:
    add(f"uniform-square-{n}", rng.random((n, n)))
for n in [5, 17, 40]:
    add(f"normal-square-{n}", rng.standard_normal((n, n)) * 100.0)

# Random float matrices, rectangular in both orientations.
for r, c in [(1, 7), (7, 1), (2, 3), (3, 2), (3, 5), (5, 3), (10, 25), (25, 10), (17, 33), (33, 17), (40, 60), (60, 40)]:
    add(f"uniform-rect-{r}x{c}", rng.random((r, c)))
add("normal-rect-20x45", rng.standard_normal((20, 45)))
add("normal-rect-45x20", rng.standard_normal((45, 20)))

# Integer-valued matrices with many ties.
for k in [2, 3, 5, 10]:
    for r, c in [(4, 4), (9, 9), (20, 20), (40, 40), (6, 11), (11, 6), (30, 45), (45, 30)]:
        add(f"integer-{k}-{r}x{c}", rng.integers(0, k, size=(r, c)))
for n in [8, 25]:
    add(f"integer-negative-{n}", rng.integers(-4, 5, size=(n, n)))
for r, c in [(20, 20), (15, 35), (35, 15), (50, 50)]:
    add(f"integer-100-{r}x{c}", rng.integers(0, 100, size=(r, c)))
i, j = np.indices((12, 12))
add("integer-outer-product-12", (i + 1) * (j + 1))  # rearrangement inequality: anti-diagonal
add("integer-mod-7-12", (i[:7].repeat(2, 0)[:12] * 3 + j) % 7)
add("integer-abs-diff-13x9", np.abs(np.indices((13, 9))[0] - 2 * np.indices((13, 9))[1]))

# Feasible matrices with forbidden (+inf) pairs.
made = 0
attempt = 0
while made < 12:
    attempt += 1
    r, c = [(6, 6), (12, 12), (25, 25), (8, 14), (14, 8), (40, 40)][made % 6]
    p = [0.3, 0.5, 0.7][made % 3]
    m = rng.random((r, c))
    m[rng.random((r, c)) < p] = np.inf
    if solve(m, False) == "infeasible":
        continue
    add(f"inf-feasible-{r}x{c}-p{p}-{made}", m)
    made += 1
m = np.arange(1, 26, dtype=float).reshape(5, 5)
np.fill_diagonal(m, np.inf)
add("inf-diagonal-5", m)
m = rng.integers(0, 3, size=(10, 10)).astype(float)
m[np.triu_indices(10, 1)] = np.inf  # only lower triangle allowed: forces the diagonal
add("inf-lower-triangle-integer-10", m)
m = np.full((4, 6), np.inf)
m[:, 5] = 1.0
m[0, 0] = m[1, 1] = m[2, 2] = m[3, 3] = 2.0
add("inf-rect-4x6", m)
add("inf-rect-6x4", m.T.copy())

# Infeasible matrices.
m = rng.random((5, 5))
m[2, :] = np.inf
add("infeasible-row-of-inf", m)
m = rng.random((5, 5))
m[:, 3] = np.inf
add("infeasible-column-of-inf", m)
m = rng.random((6, 6))
m[1, :] = np.inf
m[4, :] = np.inf
m[1, 2] = 0.5
m[4, 2] = 0.25  # rows 1 and 4 can only use column 2
add("infeasible-hall-violation", m)
m = rng.random((3, 6))
m[:, :] = np.inf
m[:, 0] = 1.0
m[:, 1] = 2.0  # three rows share two finite columns
add("infeasible-rect-3x6", m)
add("infeasible-rect-6x3", m.T.copy())
m = rng.random((4, 7))
m[3, :] = np.inf
add("infeasible-rect-wide-row", m)
m = rng.random((7, 4))
m[:, 1] = np.inf
add("infeasible-rect-tall-column", m)
add("infeasible-1x1", np.array([[np.inf]]))
m = rng.random((4, 4))
m[0, :] = -np.inf
add("infeasible-maximize-row-of-neg-inf", m, maximize=True)

# Maximisation.
for r, c in [(1, 1), (5, 5), (13, 13), (30, 30), (8, 19), (19, 8)]:
    add(f"maximize-uniform-{r}x{c}", rng.random((r, c)), maximize=True)
add("maximize-integer-20", rng.integers(0, 4, size=(20, 20)), maximize=True)
add("maximize-integer-12x7", rng.integers(0, 3, size=(12, 7)), maximize=True)
m = rng.random((10, 10))
m[rng.random((10, 10)) < 0.4] = -np.inf
if solve(m, True) == "infeasible":
    m = np.where(np.eye(10, dtype=bool), 0.5, m)
add("maximize-with-neg-inf", m, maximize=True)

# Tiny and empty.
add("one-by-one", np.array([[3.5]]))
add("one-by-one-negative", np.array([[-2.25]]))
add("empty-0x0", np.zeros((0, 0)))
add("empty-0x4", np.zeros((0, 4)))
add("empty-4x0", np.zeros((4, 0)))
add("empty-0x4-maximize", np.zeros((0, 4)), maximize=True)

# Constant matrices (scipy gives the identity).
add("constant-5", np.full((5, 5), 7.0))
add("constant-zero-9", np.zeros((9, 9)))
add("constant-3x6", np.full((3, 6), -1.5))
add("constant-6x3", np.full((6, 3), 2.0))
add("constant-5-maximize", np.full((5, 5), 7.0), maximize=True)

# Invalid entries.
m = rng.random((4, 4))
m[1, 2] = np.nan
add("invalid-nan", m)
add("invalid-nan-maximize", m, maximize=True)
m = rng.random((4, 4))
m[3, 0] = -np.inf
add("invalid-neg-inf-minimize", m)
m = rng.random((4, 4))
m[0, 3] = np.inf
add("invalid-pos-inf-maximize", m, maximize=True)
m = rng.random((3, 5))
m[2, 4] = np.nan
add("invalid-nan-rect", m)

# Classic small examples.
add("scipy-docs-example", np.array([[4, 1, 3], [2, 0, 5], [3, 2, 2]]))
add("hungarian-textbook", np.array([[82, 83, 69, 92], [77, 37, 49, 92], [11, 69, 5, 86], [8, 9, 98, 23]]))

out = {
    "generator": "tests/ReferenceData/assignment/make_assignment_reference.py",
    "scipy": scipy.__version__,
    "numpy": np.__version__,
    "cases": cases,
}
with open(os.path.join(HERE, "assignment_reference.json"), "w") as f:
    json.dump(out, f, separators=(",", ":"), allow_nan=False)
print(f"{len(cases)} cases, {sum('error' in c for c in cases)} errors, "
      f"{sum(c.get('unique', False) for c in cases)} unique")

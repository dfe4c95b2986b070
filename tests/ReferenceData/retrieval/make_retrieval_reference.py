# Generates retrieval_reference.json: golden values for Rankwise.Retrieval.
# Command (run from this directory, with numpy 1.24 / scikit-learn 1.2):
#     /usr/bin/python3 make_retrieval_reference.py
#
# Average precision:
#   non-interpolated = sklearn.metrics.average_precision_score (ties: one curve point per distinct score);
#   VOC2010 / VOC2007 11-point = straightforward devkit-style interpolation applied to the same curve points
#   (taken from sklearn.metrics.precision_recall_curve); VOC2007 compares recall with the tenths exactly
#   (tp * 10 >= t * R in integers).
# Label-based mAP: every item queries the others (self excluded), relevant = shares a label; AP per query as above.
# Cross-modal retrieval: a deliberately plain numpy version of the VSE++ evaluation (argsort per query, ranks,
#   R@K in percent, floor(median)+1, mean+1, 5-fold averaging), plus a stable-order / optimistic / pessimistic tie
#   version on quantised scores.
import json

import numpy as np
import sklearn
from sklearn.metrics import average_precision_score, precision_recall_curve

assert sklearn.__version__.startswith("1.2"), sklearn.__version__
rng = np.random.default_rng(20240611)


def curve(y, s):
    """Curve points in decreasing-threshold order: integer tp, precision."""
    precision, recall, _ = precision_recall_curve(y, s)
    precision = precision[:-1][::-1]  # drop sklearn's artificial (recall 0, precision 1) end point
    recall = recall[:-1][::-1]
    positives = int(np.sum(y))
    tp = np.rint(recall * positives).astype(np.int64)
    return tp, precision, positives


def voc2010(tp, precision, positives):
    mrec = np.concatenate(([0.0], tp / positives, [1.0]))
    mpre = np.concatenate(([0.0], precision, [0.0]))
    for i in range(len(mpre) - 2, -1, -1):
        mpre[i] = max(mpre[i], mpre[i + 1])
    i = np.where(mrec[1:] != mrec[:-1])[0]
    return float(np.sum((mrec[i + 1] - mrec[i]) * mpre[i + 1]))


def voc2007(tp, precision, positives):
    ap = 0.0
    for t in range(11):
        mask = tp * 10 >= t * positives
        ap += (precision[mask].max() if mask.any() else 0.0) / 11.0
    return float(ap)


def all_ap(y, s):
    y = np.asarray(y)
    s = np.asarray(s, dtype=float)
    if y.sum() == 0:
        return None
    tp, precision, positives = curve(y, s)
    return {
        "NonInterpolated": float(average_precision_score(y, s)),
        "Voc2010": voc2010(tp, precision, positives),
        "Voc2007ElevenPoint": voc2007(tp, precision, positives),
    }


def ap_cases():
    cases = []
    for c in range(220):
        n = int(rng.integers(1, 70))
        kind = c % 4
        if kind == 0:
            s = rng.normal(size=n)
        elif kind == 1:
            s = np.round(rng.normal(size=n), 1)  # some ties
        elif kind == 2:
            s = rng.integers(0, 4, size=n).astype(float)  # many ties
        else:
            s = np.full(n, 0.25) if c % 8 == 3 else rng.integers(-2, 2, size=n) * 0.5
        y = (rng.random(n) < rng.uniform(0.05, 0.9)).astype(int)
        if y.sum() == 0:
            y[rng.integers(0, n)] = 1
        cases.append({"scores": s.tolist(), "relevant": y.tolist(), "expected": all_ap(y, s)})
    return cases


def ranked_cases():
    cases = []
    fixed = [[1, 0, 1, 0, 0, 1, 0, 0, 0, 0], [1], [0, 1], [0, 0, 0, 1], [1, 1, 1], [0, 1, 0, 1, 0, 1, 0, 1, 0, 1]]
    for r in fixed:
        cases.append(r)
    for _ in range(40):
        n = int(rng.integers(1, 40))
        r = (rng.random(n) < rng.uniform(0.1, 0.7)).astype(int)
        if r.sum() == 0:
            r[-1] = 1
        cases.append(r.tolist())
    out = []
    for r in cases:
        r = np.array(r)
        s = -np.arange(len(r), dtype=float)  # strictly decreasing: every position its own threshold
        entry = {"ranked": r.tolist(), "expected": all_ap(r, s)}
        # Truncated list: recall denominator larger than the relevant entries in the list (plain formulas).
        total = int(r.sum()) + int(rng.integers(1, 4))
        tp = np.cumsum(r)
        prec = tp / np.arange(1, len(r) + 1)
        nonint = float(np.sum(prec * r) / total)
        mrec = np.concatenate(([0.0], tp / total, [1.0]))
        mpre = np.concatenate(([0.0], prec, [0.0]))
        for i in range(len(mpre) - 2, -1, -1):
            mpre[i] = max(mpre[i], mpre[i + 1])
        i = np.where(mrec[1:] != mrec[:-1])[0]
        v10 = float(np.sum((mrec[i + 1] - mrec[i]) * mpre[i + 1]))
        v07 = 0.0
        for t in range(11):
            mask = tp * 10 >= t * total
            v07 += (prec[mask].max() if mask.any() else 0.0) / 11.0
        entry["truncated"] = {"totalRelevant": total, "expected": {"NonInterpolated": nonint, "Voc2010": v10, "Voc2007ElevenPoint": float(v07)}}
        out.append(entry)
    return out


def label_map(score_matrix, query_labels, db_labels, exclude_self):
    per = {"NonInterpolated": [], "Voc2010": [], "Voc2007ElevenPoint": []}
    for q in range(score_matrix.shape[0]):
        idx = [j for j in range(score_matrix.shape[1]) if not (exclude_self and j == q)]
        s = score_matrix[q, idx]
        y = np.array([1 if set(query_labels[q]) & set(db_labels[j]) else 0 for j in idx])
        res = all_ap(y, s)
        for key in per:
            per[key].append(None if res is None else res[key])
    out = {}
    for key, values in per.items():
        used = [v for v in values if v is not None]
        out[key] = {"map": float(np.mean(used)) if used else None, "perQuery": values, "without": len(values) - len(used)}
    return out


def cosine(a, b):
    an = a / np.linalg.norm(a, axis=1, keepdims=True)
    bn = b / np.linalg.norm(b, axis=1, keepdims=True)
    return an @ bn.T


def neg_euclidean(a, b):
    return -np.sqrt(((a[:, None, :] - b[None, :, :]) ** 2).sum(axis=2))


def random_labels(n, classes, multi):
    labels = []
    for _ in range(n):
        if multi:
            k = int(rng.integers(0, 4))
            labels.append(sorted(set(rng.integers(0, classes, size=k).tolist())))
        else:
            labels.append([int(rng.integers(0, classes))])
    return labels


def label_cases():
    cases = []
    configs = [
        ("cosine", 40, 8, 4, False, "normal"),
        ("cosine", 60, 16, 7, True, "normal"),
        ("negative-euclidean", 50, 6, 5, False, "normal"),
        ("negative-euclidean", 45, 10, 6, True, "normal"),
        ("negative-euclidean", 40, 3, 4, False, "integer"),  # many exact distance ties
        ("cosine", 40, 5, 3, True, "duplicates"),  # duplicated rows give exact cosine ties
        ("cosine", 30, 4, 40, False, "normal"),  # many singleton classes: queries without relevant items
    ]
    for measure, n, d, classes, multi, data in configs:
        if data == "normal":
            x = rng.normal(size=(n, d))
        elif data == "integer":
            x = rng.integers(-1, 2, size=(n, d)).astype(float)
        else:
            base = rng.normal(size=(n // 2, d))
            x = np.concatenate([base, base[rng.integers(0, n // 2, size=n - n // 2)]])
        labels = random_labels(n, classes, multi)
        s = cosine(x, x) if measure == "cosine" else neg_euclidean(x, x)
        cases.append({"kind": "embeddings", "measure": measure, "embeddings": x.tolist(), "labels": labels,
                      "expected": label_map(s, labels, labels, True)})
    # Given square score matrix with ties and a NaN diagonal (ignored).
    n = 35
    s = np.round(rng.normal(size=(n, n)), 1)
    labels = random_labels(n, 5, True)
    expected = label_map(s, labels, labels, True)
    s_nan = s.copy()
    np.fill_diagonal(s_nan, np.nan)
    cases.append({"kind": "square-scores", "scores": [[None if np.isnan(v) else v for v in row] for row in s_nan.tolist()],
                  "labels": labels, "expected": expected})
    # Cross-set: queries from one modality, database from another (nothing excluded).
    q = rng.normal(size=(25, 6))
    db = rng.normal(size=(40, 6))
    ql, dl = random_labels(25, 5, True), random_labels(40, 5, True)
    cases.append({"kind": "cross-embeddings", "measure": "cosine", "queries": q.tolist(), "database": db.tolist(),
                  "queryLabels": ql, "databaseLabels": dl, "expected": label_map(cosine(q, db), ql, dl, False)})
    rs = np.round(rng.normal(size=(20, 30)), 1)
    ql, dl = random_labels(20, 4, False), random_labels(30, 4, False)
    cases.append({"kind": "cross-scores", "scores": rs.tolist(), "queryLabels": ql, "databaseLabels": dl,
                  "expected": label_map(rs, ql, dl, False)})
    return cases


def vse_ranks(sims, cpi):
    n = sims.shape[0]
    i2t = np.zeros(n, dtype=int)
    for i in range(n):
        inds = np.argsort(sims[i])[::-1]
        i2t[i] = min(np.where(inds == j)[0][0] for j in range(cpi * i, cpi * i + cpi))
    t2i = np.zeros(n * cpi, dtype=int)
    for j in range(n * cpi):
        inds = np.argsort(sims[:, j])[::-1]
        t2i[j] = np.where(inds == j // cpi)[0][0]
    return i2t, t2i


def tie_ranks(sims, cpi, rule):
    n = sims.shape[0]
    i2t = np.zeros(n, dtype=int)
    for i in range(n):
        row = sims[i]
        own = np.arange(cpi * i, cpi * i + cpi)
        best = row[own].max()
        others = np.setdiff1d(np.arange(row.size), own)
        if rule == "LowerIndexFirst":
            order = np.argsort(-row, kind="stable")
            i2t[i] = min(np.where(order == j)[0][0] for j in own)
        elif rule == "Optimistic":
            i2t[i] = int(np.sum(row > best))
        else:
            i2t[i] = int(np.sum(row[others] >= best))
    t2i = np.zeros(n * cpi, dtype=int)
    for j in range(n * cpi):
        col = sims[:, j]
        g = j // cpi
        if rule == "LowerIndexFirst":
            order = np.argsort(-col, kind="stable")
            t2i[j] = np.where(order == g)[0][0]
        elif rule == "Optimistic":
            t2i[j] = int(np.sum(col > col[g]))
        else:
            t2i[j] = int(np.sum(np.delete(col, g) >= col[g]))
    return i2t, t2i


def metrics(ranks, ks):
    return {"recall": [float(100.0 * np.sum(ranks < k) / len(ranks)) for k in ks],
            "medianRank": float(np.floor(np.median(ranks)) + 1), "meanRank": float(ranks.mean() + 1),
            "ranks": (ranks + 1).tolist()}


def evaluate(sims, cpi, ks, folds, ranker):
    n = sims.shape[0]
    m = n // folds
    fold_results = []
    for f in range(folds):
        sub = sims[f * m:(f + 1) * m, f * m * cpi:(f + 1) * m * cpi]
        i2t, t2i = ranker(sub, cpi)
        fold_results.append((metrics(i2t, ks), metrics(t2i, ks)))

    def avg(direction):
        parts = [fr[direction] for fr in fold_results]
        return {"recall": np.mean([p["recall"] for p in parts], axis=0).tolist(),
                "medianRank": float(np.mean([p["medianRank"] for p in parts])),
                "meanRank": float(np.mean([p["meanRank"] for p in parts])),
                "ranks": sum((p["ranks"] for p in parts), [])}

    i2t, t2i = avg(0), avg(1)
    return {"i2t": i2t, "t2i": t2i, "rsum": float(sum(i2t["recall"]) + sum(t2i["recall"]))}


def cross_modal_cases():
    cases = []
    for n, cpi, ks, folds in [(20, 5, [1, 5, 10], 1), (37, 1, [1, 5, 10], 1), (50, 5, [1, 5, 10], 5),
                              (24, 2, [1, 2, 3, 20], 3), (10, 5, [1, 5, 10], 1)]:
        # Weakly informative scores so that ranks spread out; continuous, so no ties.
        sims = rng.normal(size=(n, n * cpi))
        for i in range(n):
            sims[i, cpi * i:cpi * i + cpi] += rng.uniform(0.5, 2.5)
        cases.append({"kind": "scores", "scores": sims.tolist(), "captionsPerImage": cpi, "recallAt": ks,
                      "folds": folds, "ties": "LowerIndexFirst",
                      "expected": evaluate(sims, cpi, ks, folds, vse_ranks)})
    # Embeddings scored by cosine similarity.
    img = rng.normal(size=(30, 8))
    cap = np.repeat(img, 5, axis=0) + rng.normal(scale=1.2, size=(150, 8))
    cases.append({"kind": "embeddings", "images": img.tolist(), "captions": cap.tolist(), "captionsPerImage": 5,
                  "recallAt": [1, 5, 10], "folds": 1, "ties": "LowerIndexFirst",
                  "expected": evaluate(cosine(img, cap), 5, [1, 5, 10], 1, vse_ranks)})
    # Quantised scores (many ties) under the three tie rules.
    for n, cpi, folds in [(15, 5, 1), (12, 2, 2)]:
        sims = rng.integers(0, 4, size=(n, n * cpi)).astype(float) / 4
        for rule in ["LowerIndexFirst", "Optimistic", "Pessimistic"]:
            cases.append({"kind": "scores", "scores": sims.tolist(), "captionsPerImage": cpi, "recallAt": [1, 5, 10],
                          "folds": folds, "ties": rule,
                          "expected": evaluate(sims, cpi, [1, 5, 10], folds, lambda s, c, r=rule: tie_ranks(s, c, r))})
    return cases


reference = {
    "versions": {"numpy": np.__version__, "sklearn": sklearn.__version__},
    "averagePrecision": ap_cases(),
    "rankedRelevance": ranked_cases(),
    "labelRetrieval": label_cases(),
    "crossModal": cross_modal_cases(),
}
with open("retrieval_reference.json", "w") as f:
    json.dump(reference, f, separators=(",", ":"))
print("wrote retrieval_reference.json")

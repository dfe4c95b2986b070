# Generates the word-similarity golden data for `rankwise wordsim` / Rankwise.Comparison.WordSimilarity.
# Command (run from this directory, with numpy 1.24 / scipy 1.10):
#     /usr/bin/python3 make_wordsim_reference.py
#
# vectors.txt   word2vec text format, 40 random 8-d vectors (values written with 6 decimals; the reference re-reads
#               them from the text, so both sides see the same numbers); the vocabulary has mixed case ("Cat" and
#               "cat"), a duplicated word (first occurrence wins) and words absent from the benchmarks.
# vectors.npy + vocab.txt   the same vectors as an array with a vocabulary file.
# ws.tab        w1<TAB>w2<TAB>score with a '#' comment and WordSim-353's header line.
# simlex.txt    SimLex-999's headed TSV (word1, word2, POS, SimLex999, ...).
# simverb.txt   SimVerb-3500's TSV (w1 w2 POS score relation, no header).
# men.txt       MEN's lemma form (w1-n w2-n score, space-separated).
# wordsim_reference.json: for every benchmark, similarity (cosine, euclidean), OOV policy (skip, mean, zero) and
#   case folding: pairs used, OOV pairs and words, scipy.stats.spearmanr and pearsonr of (human score, similarity).
import json

import numpy as np
import scipy
from scipy import stats

assert scipy.__version__.startswith("1.10"), scipy.__version__
rng = np.random.default_rng(353)

base = [f"w{i:02d}" for i in range(34)] + ["cat", "Cat", "Dog", "dog", "w05", "tree"]
vectors = rng.normal(0, 1, (len(base), 8))
with open("vectors.txt", "w") as f:
    f.write(f"{len(base)} 8\n")
    for word, v in zip(base, vectors):
        f.write(word + " " + " ".join(f"{x:.6f}" for x in v) + "\n")
with open("vectors.txt") as f:
    f.readline()
    rows = [line.split() for line in f]
vocab = [r[0] for r in rows]
matrix = np.array([[float(x) for x in r[1:]] for r in rows])
np.save("vectors.npy", matrix)
with open("vocab.txt", "w") as f:
    f.write("\n".join(vocab) + "\n")


def random_pairs(n, oov):
    words = vocab + ["CAT", "DOG", "Tree"]
    pairs = []
    for k in range(n):
        a, b = rng.choice(words, 2, replace=False)
        if k in oov:
            b = f"unseen{k}"
        pairs.append((str(a), str(b), round(float(rng.uniform(0, 10)), 2)))
    return pairs


benchmarks = {}
pairs = random_pairs(30, {3, 17})
with open("ws.tab", "w") as f:
    f.write("# a WordSim-353-style file\nWord 1\tWord 2\tHuman (mean)\n")
    for a, b, s in pairs:
        f.write(f"{a}\t{b}\t{s}\n")
benchmarks["ws.tab"] = pairs
pairs = random_pairs(25, {5})
with open("simlex.txt", "w") as f:
    f.write("word1\tword2\tPOS\tSimLex999\tconc(w1)\tconc(w2)\n")
    for a, b, s in pairs:
        f.write(f"{a}\t{b}\tN\t{s}\t4.1\t3.2\n")
benchmarks["simlex.txt"] = pairs
pairs = random_pairs(25, {0, 9})
with open("simverb.txt", "w") as f:
    for a, b, s in pairs:
        f.write(f"{a}\t{b}\tV\t{s}\tSYNONYMS\n")
benchmarks["simverb.txt"] = pairs
pairs = random_pairs(28, {11})
with open("men.txt", "w") as f:
    for a, b, s in pairs:
        f.write(f"{a}-n {b}-n {s * 5:.6f}\n")
benchmarks["men.txt"] = [(a, b, float(f"{s * 5:.6f}")) for a, b, s in pairs]


def similarity(u, v, measure):
    if measure == "euclidean":
        return -float(np.sqrt(np.sum((u - v) ** 2)))
    nu, nv = float(np.sum(u * u)), float(np.sum(v * v))
    # sqrt of the product: identical vectors get exactly 1, as in Rankwise (ties must not hinge on rounding).
    return 0.0 if nu == 0 or nv == 0 else float(min(1.0, max(-1.0, np.sum(u * v) / np.sqrt(nu * nv))))


def evaluate(pairs, measure, oov, lowercase):
    index = {}
    for i, w in enumerate(vocab):
        index.setdefault(w.lower() if lowercase else w, i)
    mean = matrix.mean(axis=0)
    zero = np.zeros(matrix.shape[1])
    gold, sims, missing, oov_pairs = [], [], set(), 0
    for a, b, s in pairs:
        a, b = (a.lower(), b.lower()) if lowercase else (a, b)
        if a not in index:
            missing.add(a)
        if b not in index:
            missing.add(b)
        if a not in index or b not in index:
            oov_pairs += 1
            if oov == "skip":
                continue
        fill = mean if oov == "mean" else zero
        u = matrix[index[a]] if a in index else fill
        v = matrix[index[b]] if b in index else fill
        gold.append(s)
        sims.append(similarity(u, v, measure))
    return {
        "pairs": len(pairs),
        "pairs_used": len(gold),
        "oov_pairs": oov_pairs,
        "oov_words": len(missing),
        "spearman": float(stats.spearmanr(gold, sims).correlation),
        "pearson": float(stats.pearsonr(gold, sims)[0]),
    }


cases = []
for name, pairs in benchmarks.items():
    for measure in ("cosine", "euclidean"):
        for oov in ("skip", "mean", "zero"):
            for lowercase in (False, True):
                cases.append({"benchmark": name, "similarity": measure, "oov": oov, "lowercase": lowercase,
                              **evaluate(pairs, measure, oov, lowercase)})
with open("wordsim_reference.json", "w") as f:
    json.dump({"versions": {"numpy": np.__version__, "scipy": scipy.__version__}, "cases": cases}, f, indent=1)

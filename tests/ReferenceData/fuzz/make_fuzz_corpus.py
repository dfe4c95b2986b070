# Writes the seed corpus of the CLI fuzz tests for response tables, word-similarity benchmarks, label files and
# word vectors (tests/Rankwise.Tests/Reliability/CliFuzzTests.cs). The fuzz test mutates these valid, small files
# (truncation, overwritten/inserted bytes, splices, huge numbers) and feeds them to the command that reads them.
# Command (from the repository root, numpy 1.24):
#   /usr/bin/python3 tests/ReferenceData/fuzz/make_fuzz_corpus.py
# Layout:
#   responses/  long CSV with a header, long TSV with alias names, header-less 3-column long CSV (needs --layout long),
#               wide CSV with subject labels and blanks, header-less wide CSV with NaN/NA   -> `rankwise consistency`
#   wordsim/    WordSim-353 tab file with a comment and header, SimLex-999 TSV, SimVerb-3500 TSV, MEN (with -n
#               suffixes); the vectors w2v.txt (word2vec text), glove.txt (GloVe, no count line),
#               w2v.bin (word2vec binary)                                             -> `rankwise wordsim`
#   labels/     text labels (.txt, one line per item; names, numbers, commas/spaces, a comment, an empty line),
#               a .labels file, a CSV id column, a multi-hot CSV, and the embeddings emb.csv they label (8 items)
#                                                                                     -> `rankwise retrieval label-map`
import os
import struct

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(9)


def write(rel, text):
    path = os.path.join(HERE, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline="") as f:
        f.write(text)


# ---- responses: 6 subjects x 8 items, a few missing
subjects = [f"s{i}" for i in range(6)]
items = [f"img{j}" for j in range(8)]
long_rows = []
for s in subjects:
    for it in items:
        if rng.uniform() < 0.8:
            long_rows.append((s, it, int(rng.uniform() < 0.6)))
write("responses/long_header.csv", "subject,item,response\n" + "".join(f"{s},{i},{r}\n" for s, i, r in long_rows))
write("responses/long_alias.tsv", "worker_id\timage\thit\textra\n" + "".join(f"{s}\t{i}\t{r}\tx\n" for s, i, r in long_rows[:30]))
write("responses/long_noheader.csv", "".join(f"{s},{i},{r}\n" for s, i, r in long_rows[:30]))
wide = rng.normal(3, 1, (6, 8)).round(2)
lines = ["subject," + ",".join(items)]
for s, row in zip(subjects, wide):
    lines.append(s + "," + ",".join("" if rng.uniform() < 0.15 else f"{v}" for v in row))
write("responses/wide_labelled.csv", "\n".join(lines) + "\n")
lines = []
for row in wide[:, :5]:
    lines.append(",".join("NaN" if rng.uniform() < 0.1 else ("NA" if rng.uniform() < 0.05 else f"{v}") for v in row))
write("responses/wide_plain.csv", "\n".join(lines) + "\n")

# ---- word similarity: 12 words, 4-d vectors
words = ["cat", "dog", "tree", "car", "sun", "moon", "run", "walk", "red", "blue", "big", "small"]
vectors = rng.normal(0, 1, (len(words), 4)).round(4)
write("wordsim/w2v.txt", f"{len(words)} 4\n" + "".join(w + " " + " ".join(f"{x}" for x in v) + "\n" for w, v in zip(words, vectors)))
write("wordsim/glove.txt", "".join(w + " " + " ".join(f"{x}" for x in v) + "\n" for w, v in zip(words, vectors)))
with open(os.path.join(HERE, "wordsim/w2v.bin"), "wb") as f:
    f.write(f"{len(words)} 4\n".encode())
    for w, v in zip(words, vectors):
        f.write(w.encode() + b" " + struct.pack("<4f", *v) + b"\n")


def pairs(n):
    out = []
    for _ in range(n):
        a, b = rng.choice(words, 2, replace=False)
        out.append((str(a), str(b), round(float(rng.uniform(0, 10)), 2)))
    return out


write("wordsim/ws.tab", "# WordSim-353 style\nWord 1\tWord 2\tHuman (mean)\n" + "".join(f"{a}\t{b}\t{s}\n" for a, b, s in pairs(10)))
write("wordsim/simlex.txt", "word1\tword2\tPOS\tSimLex999\tconc(w1)\n" + "".join(f"{a}\t{b}\tN\t{s}\t4.1\n" for a, b, s in pairs(10)))
write("wordsim/simverb.txt", "".join(f"{a}\t{b}\tV\t{s}\tSYNONYMS\n" for a, b, s in pairs(10)))
write("wordsim/men.txt", "".join(f"{a}-n {b}-n {s * 5:.6f}\n" for a, b, s in pairs(10)))

# ---- labels for 8 items and their embeddings
emb = rng.normal(0, 1, (8, 3)).round(3)
write("labels/emb.csv", "".join(",".join(f"{x}" for x in row) + "\n" for row in emb))
write("labels/labels.txt", "# labels of the 8 items\nanimal,pet\nanimal\nplant; tree\n\nvehicle 3\n3\nanimal pet\nplant\n")
write("labels/classes.labels", "a\nb\na\nc\nb\na\nc\nc\n")
write("labels/ids.csv", "item,label\n" + "".join(f"i{k},{k % 3}\n" for k in range(8)))
write("labels/multihot.csv", "x,y,z\n" + "".join(",".join(str(int(rng.uniform() < 0.4)) for _ in range(3)) + "\n" for _ in range(8)))

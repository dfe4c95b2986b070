# Converts scikit-learn's copy of the diabetes data (Efron, Hastie, Johnstone & Tibshirani, "Least Angle
# Regression", Annals of Statistics 32(2), 2004) to examples/data/diabetes.csv: 442 patients, the 10 raw
# (unscaled) baseline variables and the disease-progression target one year later.
# Source files: Debian's python3-sklearn, /usr/lib/python3/dist-packages/sklearn/datasets/data/
#   diabetes_data_raw.csv.gz (space-separated, 442 x 10) and diabetes_target.csv.gz (442 values).
# Generated with: /usr/bin/python3 examples/data/make_diabetes.py   (run from the repository root)
# Licence: distributed with scikit-learn under its BSD-3-Clause licence (see examples/data/README.md).
import gzip
import os

source = "/usr/lib/python3/dist-packages/sklearn/datasets/data"
with gzip.open(os.path.join(source, "diabetes_data_raw.csv.gz"), "rt") as f:
    rows = [line.split() for line in f if line.strip()]
with gzip.open(os.path.join(source, "diabetes_target.csv.gz"), "rt") as f:
    target = [float(line) for line in f if line.strip()]
assert len(rows) == 442 and len(target) == 442 and all(len(r) == 10 for r in rows)

columns = ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6", "target"]
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "diabetes.csv")
with open(out, "w") as f:
    f.write(",".join(columns) + "\n")
    for r, t in zip(rows, target):
        f.write(",".join(r) + f",{t:g}\n")

# Real example data: scikit-learn's copy of the UCI "Optical Recognition of Handwritten Digits" test set
# (1,797 8x8 images, pixels 0..16, labels 0..9), read from Debian's python3-sklearn package.
# Generated with: cd examples/data && /usr/bin/python3 make_digits.py
# Writes
#   digits.csv        p0..p63 (row-major 8x8 pixels, integers 0..16) + label
#   digits_left.npy   float32 [1797, 32]: the left half of each image (columns 0..3 of rows 0..7), pixels / 16
#   digits_right.npy  float32 [1797, 32]: the right half (columns 4..7), pixels / 16
# The two halves are the two "modalities" of the `rankwise mapping` example.
import gzip

import numpy as np

SOURCE = "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz"

with gzip.open(SOURCE, "rt") as f:
    data = np.loadtxt(f, delimiter=",", dtype=np.int64)
assert data.shape == (1797, 65), data.shape
pixels, labels = data[:, :64], data[:, 64]

with open("digits.csv", "w") as f:
    f.write(",".join([f"p{i}" for i in range(64)] + ["label"]) + "\n")
    for row, label in zip(pixels, labels):
        f.write(",".join(str(v) for v in row) + f",{label}\n")

images = pixels.reshape(-1, 8, 8).astype(np.float32) / 16.0
left = np.ascontiguousarray(images[:, :, :4].reshape(-1, 32))
right = np.ascontiguousarray(images[:, :, 4:].reshape(-1, 32))
np.save("digits_left.npy", left)
np.save("digits_right.npy", right)
print("digits:", pixels.shape, "labels", np.bincount(labels).tolist())

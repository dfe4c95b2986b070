# Simulated example data (not real human data): 60 items with a "human" score and a model's prediction.
# Generated with: /usr/bin/python3 examples/data/make_ratings.py
import numpy as np

rng = np.random.default_rng(2021)
n = 60
true = rng.normal(0.0, 1.0, n)
human = np.clip(0.7 + 0.1 * (true + rng.normal(0, 0.5, n)), 0, 1)
model = 0.65 + 0.08 * (true + rng.normal(0, 0.9, n))
with open("ratings.csv", "w") as f:
    f.write("item,human,model\n")
    for i in range(n):
        f.write(f"img{i:03d},{human[i]:.4f},{model[i]:.4f}\n")

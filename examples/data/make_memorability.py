# Simulated example data (NOT real human data): a small memorability experiment and two models' predictions.
# Generated with: /usr/bin/python3 examples/data/make_memorability.py   (numpy 1.24, seed 2014)
#
# memorability_responses.csv  long format subject,image,hit: 60 simulated subjects each see a random 60 % of 200
#                             images; hit = 1 when the subject detects the repeat. Image i has a true hit
#                             probability p_i (logistic of a latent memorability effect).
# memorability_scores.csv     image, memorability (the hit rate over all responses: the ground truth), and:
#   model_a  predictions on the right scale, but noisy in order;
#   model_b  predictions that order the images better but are squashed and shifted (wrong scale and offset),
#            so its MSE is worse although its rank correlation is better (the MSE-vs-rank puzzle);
#   model_b_seed1..3  three training runs (seeds) of model_b, for run groups.
import os

import numpy as np

rng = np.random.default_rng(2014)
here = os.path.dirname(os.path.abspath(__file__))
images, subjects, seen = 200, 60, 0.6

effect = rng.normal(0.0, 1.0, images)
p = 1 / (1 + np.exp(-(0.6 + 0.9 * effect)))

hits = np.zeros(images)
counts = np.zeros(images)
rows = []
for s in range(subjects):
    shown = rng.permutation(images)[: int(seen * images)]
    for i in np.sort(shown):
        hit = int(rng.random() < p[i])
        rows.append((f"subj{s:02d}", f"img{i:03d}", hit))
        hits[i] += hit
        counts[i] += 1
memorability = hits / counts

with open(os.path.join(here, "memorability_responses.csv"), "w") as f:
    f.write("subject,image,hit\n")
    for subject, image, hit in rows:
        f.write(f"{subject},{image},{hit}\n")

model_a = np.clip(p + rng.normal(0, 0.16, images), 0, 1)
latent_b = effect + rng.normal(0, 0.75, images)
model_b = 0.45 + 0.04 * latent_b
runs = [0.45 + 0.04 * (effect + rng.normal(0, 0.75, images)) for _ in range(3)]

with open(os.path.join(here, "memorability_scores.csv"), "w") as f:
    f.write("image,memorability,model_a,model_b,model_b_seed1,model_b_seed2,model_b_seed3\n")
    for i in range(images):
        cells = [memorability[i], model_a[i], model_b[i]] + [r[i] for r in runs]
        f.write(f"img{i:03d}," + ",".join(f"{v:.4f}" for v in cells) + "\n")

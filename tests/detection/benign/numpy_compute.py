# numpy doing ordinary numeric work: arrays, linear algebra, random numbers,
# statistics and saving to .npy/.npz files.
import os

import numpy as np

rng = np.random.default_rng(42)
matrix = rng.normal(size=(50, 50))
vector = rng.normal(size=50)
solution = np.linalg.solve(matrix, vector)
assert np.allclose(matrix @ solution, vector)
values, _ = np.linalg.eig(matrix.T @ matrix)
assert (values.real > -1e-9).all()
samples = rng.integers(0, 100, size=10000)
histogram, _ = np.histogram(samples, bins=10)
assert histogram.sum() == 10000
assert abs(np.mean(np.arange(101)) - 50) < 1e-12
path = os.path.join(os.environ["BENIGN_WORKDIR"], "arrays")
np.save(path + ".npy", matrix)
np.savez_compressed(path + ".npz", matrix=matrix, vector=vector)
assert np.array_equal(np.load(path + ".npy"), matrix)
with np.load(path + ".npz") as saved:
    assert np.array_equal(saved["vector"], vector)
assert np.fft.fft(np.ones(8))[0] == 8

#!/usr/bin/env python3
"""Recompute the paper-regime targets of a model folder from its raw exit records, independently of eecal.

Reads records/val.csv and records/test.csv (label, then every exit's logits), and prints JSON with, per exit:
test accuracy, 15-bin ECE before TS, the temperature fitted on val by minimising the NLL (scipy), 15-bin ECE
after it; and the k = 1 uncalibrated on-device shortfall points (Wilson 95 % interval below p_tar where the
device keeps >= min_kept samples) on the grid 0.50, 0.51, ..., 0.99. The test suite compares these numbers
with eecal's own (a second implementation: numpy/scipy in float64, written from the definitions).

Usage: check_regime_targets.py MODEL_DIR [--min-kept 200]
"""
import argparse
import json
import os

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax, softmax

Z95 = 1.959963984540054


def read_records(path):
    with open(path) as f:
        header = f.readline().strip().split(',')
    exits = sorted({int(h.split('_')[0][4:]) for h in header[1:]})
    data = np.loadtxt(path, delimiter=',', skiprows=1, dtype=np.float64)
    labels = data[:, 0].astype(int)
    num_classes = (len(header) - 1) // len(exits)
    logits = [data[:, 1 + e * num_classes:1 + (e + 1) * num_classes] for e in range(len(exits))]
    return labels, logits


def ece15(probs, labels):
    conf = probs.max(axis=1)
    right = probs.argmax(axis=1) == labels
    # Equal-width bins (lo, hi], the first one closed at 0 (Guo et al. 2017).
    idx = np.clip(np.ceil(conf * 15).astype(int) - 1, 0, 14)
    total = 0.0
    for b in range(15):
        m = idx == b
        if m.any():
            total += m.sum() / len(labels) * abs(right[m].mean() - conf[m].mean())
    return total


def fit_temperature(logits, labels):
    def nll(log_t):
        return -log_softmax(logits / np.exp(log_t), axis=1)[np.arange(len(labels)), labels].mean()
    res = minimize_scalar(nll, bounds=(np.log(0.05), np.log(20.0)), method='bounded', options={'xatol': 1e-10})
    return float(np.exp(res.x))


def wilson(x, n, z=Z95):
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('model_dir')
    ap.add_argument('--min-kept', type=int, default=200)
    a = ap.parse_args()
    val_y, val_z = read_records(os.path.join(a.model_dir, 'records', 'val.csv'))
    test_y, test_z = read_records(os.path.join(a.model_dir, 'records', 'test.csv'))
    exits = []
    for zv, zt in zip(val_z, test_z):
        t = fit_temperature(zv, val_y)
        exits.append({
            'accuracy': float((zt.argmax(axis=1) == test_y).mean()),
            'eceBefore': ece15(softmax(zt, axis=1), test_y),
            'temperature': t,
            'eceAfter': ece15(softmax(zt / t, axis=1), test_y),
        })
    # k = 1 cascade, uncalibrated: branch 1 answers when its max softmax >= p_tar.
    p1 = softmax(test_z[0], axis=1)
    conf, right = p1.max(axis=1), p1.argmax(axis=1) == test_y
    points, examined = [], 0
    for i in range(50):
        p_tar = round(0.5 + 0.01 * i, 2)
        kept = conf >= p_tar
        n = int(kept.sum())
        if n < a.min_kept:
            continue
        examined += 1
        x = int(right[kept].sum())
        lo, hi = wilson(x, n)
        if hi < p_tar:
            points.append({'pTar': p_tar, 'kept': n, 'accuracy': x / n, 'low': lo, 'high': hi})
    print(json.dumps({'exits': exits, 'shortfalls': points, 'examined': examined}))


if __name__ == '__main__':
    main()

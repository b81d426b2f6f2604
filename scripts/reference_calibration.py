#!/usr/bin/python3
"""Independent reference values for eecal's calibration and metrics library.

Run with Debian's Python (numpy, scipy, scikit-learn, torch):
    /usr/bin/python3 scripts/reference_calibration.py [--out test/fixtures/calibration/reference.json]

Everything is computed here with numpy / scipy / PyTorch / scikit-learn, never with eecal, and
written to a JSON fixture that test/calibration and test/metrics compare against:
  * synthetic over-confident logits (seeded), 400 samples x 5 classes, plus a 200-sample test set;
  * temperature: NLL optimum by a fine grid (refined 3x), cross-checked with scipy's bounded
    Brent on log T; the authors' PyTorch recipe LBFGS(lr=0.01, max_iter=50 or 200) from T0 = 1.5
    in float32 (as they ran it) and float64;
  * ECE as gpleiss/temperature_scaling's _ECELoss (15 bins, conf > lo and conf <= hi) in torch,
    RMSCE / MCE with torchmetrics' formulas, equal-mass ECE and debiased L2 CE following
    p-lambda/verified_calibration, classwise / adaptive ECE, smooth ECE following relplot 1.0.3's
    smECE (scipy.signal.convolve), Brier score and its binned decomposition;
  * sklearn IsotonicRegression(out_of_bounds='clip') on (confidence, correct);
  * Platt and beta calibration by sklearn LogisticRegression (C = 1e10, as Kumar et al. and betacal);
  * histogram binning by numpy; vector and ODIR matrix scaling by torch LBFGS (strong Wolfe) in float64.
"""
import argparse
import json
import os

import numpy as np
import scipy.optimize
import scipy.signal
import scipy.special
import torch
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression

torch.set_num_threads(1)
torch.manual_seed(0)


def make_logits(rng, n, c, scale):
    labels = rng.integers(0, c, size=n)
    z = rng.normal(size=(n, c))
    z[np.arange(n), labels] += rng.uniform(0.0, 3.0, size=n)
    # Some samples confidently wrong, so the model is over-confident (T* > 1).
    flip = rng.random(n) < 0.25
    wrong = (labels + rng.integers(1, c, size=n)) % c
    z[flip, wrong[flip]] += 2.5
    return (scale * z), labels


def nll(z, y, t):
    s = z / t
    return float(np.mean(scipy.special.logsumexp(s, axis=1) - s[np.arange(len(y)), y]))


def grid_optimum(z, y):
    lo, hi = np.log(0.05), np.log(20.0)
    best = None
    for _ in range(4):
        grid = np.linspace(lo, hi, 20001)
        vals = np.array([nll(z, y, np.exp(g)) for g in grid])
        j = int(np.argmin(vals))
        best = grid[j]
        step = grid[1] - grid[0]
        lo, hi = best - 2 * step, best + 2 * step
    return float(np.exp(best))


def torch_lbfgs(z, y, iters, dtype):
    logits = torch.tensor(z, dtype=dtype)
    labels = torch.tensor(y, dtype=torch.long)
    temperature = torch.nn.Parameter(torch.ones(1, dtype=dtype) * 1.5)
    crit = torch.nn.CrossEntropyLoss()
    opt = torch.optim.LBFGS([temperature], lr=0.01, max_iter=iters)

    def closure():
        opt.zero_grad()
        loss = crit(logits / temperature.unsqueeze(1).expand(logits.size(0), logits.size(1)), labels)
        loss.backward()
        return loss

    opt.step(closure)
    return float(temperature.item())


def softmax(z):
    return scipy.special.softmax(z, axis=1)


def guo_ece(probs, y, n_bins=15):
    """gpleiss/temperature_scaling _ECELoss, in torch float64."""
    sm = torch.tensor(probs, dtype=torch.float64)
    conf, pred = torch.max(sm, 1)
    acc = pred.eq(torch.tensor(y))
    b = torch.linspace(0, 1, n_bins + 1, dtype=torch.float64)
    ece = torch.zeros(1, dtype=torch.float64)
    for lo, hi in zip(b[:-1], b[1:]):
        in_bin = conf.gt(lo.item()) * conf.le(hi.item())
        prop = in_bin.double().mean()
        if prop.item() > 0:
            ece += torch.abs(conf[in_bin].mean() - acc[in_bin].double().mean()) * prop
    return float(ece.item())


def bin_table(conf, correct, n_bins=15):
    """Equal-width bins, lo < c <= hi, torchmetrics-style l1/l2/max norms."""
    edges = np.linspace(0, 1, n_bins + 1)
    rows = []
    for lo, hi in zip(edges[:-1], edges[1:]):
        m = (conf > lo) & (conf <= hi)
        n = int(m.sum())
        rows.append({"lo": float(lo), "hi": float(hi), "count": n,
                     "meanConfidence": float(conf[m].mean()) if n else 0.0,
                     "accuracy": float(correct[m].mean()) if n else 0.0})
    w = np.array([r["count"] for r in rows]) / len(conf)
    gap = np.array([abs(r["meanConfidence"] - r["accuracy"]) for r in rows])
    nonempty = w > 0
    return rows, float(np.sum(w * gap)), float(np.sqrt(np.sum(w * gap ** 2))), float(gap[nonempty].max())


# --- p-lambda/verified_calibration (Kumar et al. 2019) ------------------------------------------
def get_equal_bins(probs, num_bins):
    sorted_probs = sorted(probs)
    num_bins = min(num_bins, len(sorted_probs))
    parts = np.array_split(sorted_probs, num_bins)
    bins = [(parts[i][-1] + parts[i + 1][0]) / 2.0 for i in range(len(parts) - 1)]
    bins.append(1.0)
    return sorted(set(bins))


def binned(probs, labels, bins):
    idx = np.searchsorted(bins, probs)
    return [(probs[idx == b], labels[idx == b]) for b in range(len(bins))]


def plugin_ce(groups, n, power):
    return sum(len(p) / n * abs(p.mean() - l.mean()) ** power for p, l in groups if len(p)) ** (1.0 / power)


def unbiased_square_ce(groups, n):
    total = 0.0
    for p, l in groups:
        if len(p) < 2:
            continue
        ml = l.mean()
        total += len(p) / n * ((p.mean() - ml) ** 2 - ml * (1 - ml) / (len(p) - 1))
    return total


# --- relplot 1.0.3 smECE (apple/ml-calibration) ------------------------------------------------
def smooth_round_to_grid(f, y, eval_points):
    values = np.zeros(eval_points)
    bins = (f * (eval_points - 1)).astype(int).clip(0, eval_points - 2)
    frac = f * (eval_points - 1) - bins
    np.add.at(values, bins, (1 - frac) * y)
    np.add.at(values, bins + 1, frac * y)
    return values


def reflected_convolve(values, sigma):
    n = len(values)
    t = np.linspace(0, 1, n)
    ker = np.exp(-(t - 0.5) * (t - 0.5) / (2 * sigma ** 2)) / (np.sqrt(2 * np.pi) * sigma)
    ext = np.concatenate([np.flip(values)[:-1], values, np.flip(values)[1:]])
    return scipy.signal.convolve(ext, ker, "valid")[n // 2: n // 2 + n]


def linear_interpolate(t, y):
    b = len(y)
    size = 1 / (b - 1)
    i = (t * (b - 1)).astype(int).clip(0, b - 2)
    w = (t - i * size) / size
    return y[i] * (1 - w) + y[i + 1] * w


def smooth_at(f, y, x_eval, sigma):
    n = max(2000, round(20 / sigma)) // 2 + 1
    return linear_interpolate(x_eval, reflected_convolve(smooth_round_to_grid(f, y, n), sigma))


def sm_ece_at(f, y, sigma):
    t = np.linspace(0, 1, max(round(10 / sigma), 200))
    num = smooth_at(f, f - y, t, sigma)
    dens = smooth_at(f, np.ones_like(f), t, sigma) + 0.0001
    return np.sum(np.abs(num / dens) * dens) / np.sum(dens)


def sm_ece(f, y, eps=0.001):
    def check(alpha):
        return alpha < eps or alpha < sm_ece_at(f, y, alpha)

    start, end = 1, 0
    if not check(start):
        for _ in range(10):
            mid = (start + end) / 2
            if check(mid):
                end = mid
            else:
                start = mid
    return float(sm_ece_at(f, y, start)), float(start)


def top_log_odds(z):
    top = np.argmax(z, axis=1)
    lse = scipy.special.logsumexp(z, axis=1)
    rest = z.copy()
    rest[np.arange(len(z)), top] = -np.inf
    log_c = z[np.arange(len(z)), top] - lse
    log_1mc = scipy.special.logsumexp(rest, axis=1) - lse
    return top, log_c, log_1mc


def logistic(X, y):
    """sklearn's fit (C = 1e10: objective sum(log-loss) + |w|^2 / 2e10), polished by scipy's
    trust-exact Newton on the same objective, since lbfgs stops ~1e-6 short of the optimum."""
    lr = LogisticRegression(C=1e10, tol=1e-12, max_iter=100000)
    lr.fit(X, y)
    A = np.column_stack([X, np.ones(len(X))])
    ridge = np.r_[np.full(X.shape[1], 1e-10), 0.0]

    def f(w):
        e = A @ w
        return np.sum(np.logaddexp(0, e) - y * e) + 0.5 * np.sum(ridge * w * w)

    def g(w):
        return A.T @ (scipy.special.expit(A @ w) - y) + ridge * w

    def h(w):
        s = scipy.special.expit(A @ w)
        return (A * (s * (1 - s))[:, None]).T @ A + np.diag(ridge)

    w0 = np.r_[lr.coef_[0], lr.intercept_[0]]
    res = scipy.optimize.minimize(f, w0, jac=g, hess=h, method="trust-exact", options={"gtol": 1e-12})
    return [float(v) for v in res.x[:-1]], float(res.x[-1])


def affine_fit(z, y, structure, lam, mu):
    C = z.shape[1]
    Z = torch.tensor(z, dtype=torch.float64)
    Y = torch.tensor(y, dtype=torch.long)
    W = torch.nn.Parameter(torch.eye(C, dtype=torch.float64) if structure == "full" else torch.ones(C, dtype=torch.float64))
    b = torch.nn.Parameter(torch.zeros(C, dtype=torch.float64))
    opt = torch.optim.LBFGS([W, b], lr=1, max_iter=20000, history_size=50, line_search_fn="strong_wolfe",
                            tolerance_grad=1e-13, tolerance_change=1e-16)
    off = 1 - torch.eye(C, dtype=torch.float64)

    def loss_fn():
        out = Z @ W.T + b if structure == "full" else Z * W + b
        loss = torch.nn.functional.cross_entropy(out, Y)
        if structure == "full":
            loss = loss + lam / (C * (C - 1)) * torch.sum((W * off) ** 2)
        return loss + mu / C * torch.sum(b ** 2)

    def closure():
        opt.zero_grad()
        loss = loss_fn()
        loss.backward()
        return loss

    for _ in range(3):
        opt.step(closure)
    with torch.no_grad():
        out = Z @ W.T + b if structure == "full" else Z * W + b
        probs = torch.softmax(out, dim=1).numpy()
        return float(loss_fn().item()), probs


def main():
    ap = argparse.ArgumentParser()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--out", default=os.path.join(root, "test", "fixtures", "calibration", "reference.json"))
    args = ap.parse_args()

    rng = np.random.default_rng(20240601)
    n, c = 400, 5
    z, y = make_logits(rng, n, c, 1.6)
    z_test, y_test = make_logits(rng, 200, c, 1.6)
    z = np.round(z, 6)  # what is stored is exactly what both sides read
    z_test = np.round(z_test, 6)

    t_grid = grid_optimum(z, y)
    brent = scipy.optimize.minimize_scalar(lambda lt: nll(z, y, np.exp(lt)), bounds=(np.log(0.05), np.log(20)),
                                           method="bounded", options={"xatol": 1e-12})
    probs = softmax(z)
    conf = probs.max(axis=1)
    pred = probs.argmax(axis=1)
    correct = (pred == y).astype(float)
    probs_t = softmax(z / t_grid)
    conf_t = probs_t.max(axis=1)
    table, ece_l1, ece_l2, ece_max = bin_table(conf, correct)
    onehot = np.eye(c)[y]

    # Classwise / adaptive ECE and marginal debiased CE.
    cw, ada, marg_sq = [], [], []
    for k in range(c):
        pk, ok = probs[:, k], onehot[:, k]
        edges = np.linspace(0, 1, 16)
        idx = np.clip(np.searchsorted(edges[1:], pk, side="left"), 0, 14)  # lo < p <= hi, 0 in bin 0
        cw.append(sum((idx == b).mean() * abs(pk[idx == b].mean() - ok[idx == b].mean()) for b in range(15) if (idx == b).any()))
        eb = get_equal_bins(pk, 15)
        ada.append(plugin_ce(binned(pk, ok, eb), n, 1))
        marg_sq.append(max(unbiased_square_ce(binned(pk, ok, eb), n), 0.0))

    # Brier decomposition per class on 15 equal-width bins (Stephenson et al. 2008), summed.
    dec = dict(reliability=0.0, resolution=0.0, uncertainty=0.0, withinBinVariance=0.0, withinBinCovariance=0.0)
    for k in range(c):
        pk, ok = probs[:, k], onehot[:, k]
        edges = np.linspace(0, 1, 16)
        idx = np.clip(np.searchsorted(edges[1:], pk, side="left"), 0, 14)
        base = ok.mean()
        dec["uncertainty"] += base * (1 - base)
        for b in range(15):
            m = idx == b
            if not m.any():
                continue
            pb, obar = pk[m].mean(), ok[m].mean()
            dec["reliability"] += m.mean() * (pb - obar) ** 2
            dec["resolution"] += m.mean() * (obar - base) ** 2
            dec["withinBinVariance"] += np.sum((pk[m] - pb) ** 2) / n
            dec["withinBinCovariance"] += -2 * np.sum((pk[m] - pb) * (ok[m] - obar)) / n

    eb_top = get_equal_bins(conf, 15)
    sm_value, sm_sigma = sm_ece(conf, correct)

    # Top-label calibrators.
    iso = IsotonicRegression(out_of_bounds="clip").fit(conf, correct)
    top_test, logc_test, log1mc_test = top_log_odds(z_test)
    conf_test = np.exp(logc_test)
    _, logc, log1mc = top_log_odds(z)
    platt_coef, platt_b = logistic((logc - log1mc).reshape(-1, 1), correct)
    beta_coef, beta_m = logistic(np.column_stack([logc, -log1mc]), correct)
    beta_a, beta_b = beta_coef
    if beta_a < 0:
        (beta_b,), beta_m = logistic((-log1mc).reshape(-1, 1), correct)
        beta_a = 0.0
    elif beta_b < 0:
        (beta_a,), beta_m = logistic(logc.reshape(-1, 1), correct)
        beta_b = 0.0
    hist_edges = np.arange(16) / 15
    hidx = np.clip(np.searchsorted(hist_edges[1:], conf, side="left"), 0, 14)
    hist_values = [float(correct[hidx == b].mean()) if (hidx == b).any() else float((hist_edges[b] + hist_edges[b + 1]) / 2)
                   for b in range(15)]

    vec_loss, vec_probs = affine_fit(z, y, "diagonal", 0.0, 0.0)
    mat_loss, mat_probs = affine_fit(z, y, "full", 0.01, 0.01)

    out = {
        "generator": "scripts/reference_calibration.py",
        "versions": {"numpy": np.__version__, "scipy": scipy.__version__, "torch": torch.__version__,
                     "sklearn": __import__("sklearn").__version__},
        "numClasses": c,
        "logits": z.ravel().tolist(), "labels": y.tolist(),
        "testLogits": z_test.ravel().tolist(), "testLabels": y_test.tolist(),
        "temperature": {
            "grid": t_grid, "brent": float(np.exp(brent.x)),
            "nllAt1": nll(z, y, 1.0), "nllAtOptimum": nll(z, y, t_grid),
            "torchLbfgs50Float32": torch_lbfgs(z, y, 50, torch.float32),
            "torchLbfgs50Float64": torch_lbfgs(z, y, 50, torch.float64),
            "torchLbfgs200Float64": torch_lbfgs(z, y, 200, torch.float64),
        },
        "metrics": {
            "accuracy": float(correct.mean()),
            "eceGuo": guo_ece(probs, y), "eceGuoAtOptimum": guo_ece(probs_t, y),
            "ece": ece_l1, "rmsce": ece_l2, "mce": ece_max, "table": table,
            "eceEqualMass": plugin_ce(binned(conf, correct, eb_top), n, 1),
            "equalMassEdges": eb_top,
            "debiasedL2Top": max(unbiased_square_ce(binned(conf, correct, eb_top), n), 0.0) ** 0.5,
            "debiasedL2Marginal": float(np.mean(marg_sq) ** 0.5),
            "classwiseEce": float(np.mean(cw)), "adaptiveEce": float(np.mean(ada)),
            "smoothEce": sm_value, "smoothEceSigma": sm_sigma,
            "brier": float(np.mean(np.sum((probs - onehot) ** 2, axis=1))),
            "brierDecomposition": {k: float(v) for k, v in dec.items()},
            "nll": nll(z, y, 1.0),
            "smoothEceAtOptimum": sm_ece(conf_t, correct)[0],
        },
        "isotonic": {"x": iso.X_thresholds_.tolist(), "y": iso.y_thresholds_.tolist(),
                     "testConfidence": conf_test.tolist(), "testPrediction": iso.predict(conf_test).tolist()},
        "platt": {"a": platt_coef[0], "b": platt_b},
        "beta": {"a": float(beta_a), "b": float(beta_b), "m": float(beta_m)},
        "histogram": {"edges": hist_edges.tolist(), "values": hist_values},
        "vector": {"loss": vec_loss, "probabilities": vec_probs.ravel().tolist()},
        "matrix": {"lambda": 0.01, "mu": 0.01, "loss": mat_loss, "probabilities": mat_probs.ravel().tolist()},
    }
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as fh:
        json.dump(out, fh, indent=None, separators=(",", ":"))
        fh.write("\n")
    print(f"wrote {args.out}: T* grid {t_grid:.8f}, brent {float(np.exp(brent.x)):.8f}, "
          f"torch-50 f32 {out['temperature']['torchLbfgs50Float32']:.6f}, ECE {ece_l1:.6f}")


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""PyTorch CPU baseline for `npm run bench:train`: B-AlexNet (docs/paper-notes.md#b-alexnet), batch 64, CIFAR-10 shape.

Same architecture as src/models/bAlexNet.ts: conv5x5 pad 2, 3x3/2 ceil-mode max-pooling (= tfjs
'same'), LRN (n=3, k=2, alpha 5e-5, beta 0.75 in tfjs' convention: torch divides alpha by n, so it
gets alpha*n), branches attached pre-ReLU after conv2 and conv3, logits out; joint loss = sum of
the 3 softmax cross-entropies (equal weights), Adam 1e-3. Parameter counts are asserted
(trunk 544,074; branch 1 32,842; branch 2 28,970).

Prints one JSON line: {"train_ms", "infer_ms", "train_cpu_ms", "infer_cpu_ms" (medians per batch;
cpu = process CPU time), "train_sps", "infer_sps", "threads", "torch"}.
Usage: bench_torch_balexnet.py [--threads 1] [--batch 64] [--warmup 3] [--steps 10]
       [--infer-warmup 3] [--infer-steps 20]
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def lrn():
    return nn.LocalResponseNorm(size=3, alpha=5e-5 * 3, beta=0.75, k=2.0)


def pool():
    return nn.MaxPool2d(3, 2, ceil_mode=True)


class BAlexNet(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.stage1 = nn.Sequential(nn.Conv2d(3, 32, 5, padding=2), nn.ReLU(), pool(), lrn(),
                                    nn.Conv2d(32, 64, 5, padding=2))
        self.stage2 = nn.Sequential(nn.ReLU(), pool(), lrn(), nn.Conv2d(64, 96, 3, padding=1))
        self.stage3 = nn.Sequential(nn.ReLU(), nn.Conv2d(96, 96, 3, padding=1), nn.ReLU(),
                                    nn.Conv2d(96, 64, 3, padding=1), nn.ReLU(), pool(), nn.Flatten(),
                                    nn.Linear(64 * 4 * 4, 256), nn.ReLU(), nn.Dropout(0.5),
                                    nn.Linear(256, 128), nn.ReLU(), nn.Dropout(0.5),
                                    nn.Linear(128, num_classes))
        self.branch1 = nn.Sequential(nn.ReLU(), pool(), lrn(), nn.Conv2d(64, 32, 3, padding=1), nn.ReLU(),
                                     nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(), pool(), nn.Flatten(),
                                     nn.Linear(32 * 4 * 4, num_classes))
        self.branch2 = nn.Sequential(nn.ReLU(), pool(), lrn(), nn.Conv2d(96, 32, 3, padding=1), nn.ReLU(),
                                     pool(), nn.Flatten(), nn.Linear(32 * 2 * 2, num_classes))

    def forward(self, x):
        h1 = self.stage1(x)
        h2 = self.stage2(h1)
        return self.branch1(h1), self.branch2(h2), self.stage3(h2)


def count(module):
    return sum(p.numel() for p in module.parameters())


def median_ms(fn, warmup, steps):
    """Median wall and process-CPU milliseconds per call, after `warmup` untimed calls."""
    for _ in range(warmup):
        fn()
    wall, cpu = [], []
    for _ in range(steps):
        c = time.process_time()
        t = time.perf_counter()
        fn()
        wall.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--batch', type=int, default=64)
    ap.add_argument('--warmup', type=int, default=3)
    ap.add_argument('--steps', type=int, default=10)
    ap.add_argument('--infer-warmup', type=int, default=3)
    ap.add_argument('--infer-steps', type=int, default=20)
    a = ap.parse_args()
    # Intra-op threads only: also calling set_num_interop_threads makes 2 threads collapse here
    # (≈ 27 samples/s instead of ≈ 320), which would understate PyTorch's best setting.
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)

    net = BAlexNet()
    trunk = count(net.stage1) + count(net.stage2) + count(net.stage3)
    assert (trunk, count(net.branch1), count(net.branch2)) == (544074, 32842, 28970), 'architecture drifted'
    x = torch.rand(a.batch, 3, 32, 32)
    y = torch.randint(0, 10, (a.batch,))
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)

    def train_step():
        opt.zero_grad()
        loss = sum(F.cross_entropy(o, y) for o in net(x))
        loss.backward()
        opt.step()

    def infer_step():
        with torch.no_grad():
            net(x)

    net.train()
    train_ms, train_cpu_ms = median_ms(train_step, a.warmup, a.steps)
    net.eval()
    infer_ms, infer_cpu_ms = median_ms(infer_step, a.infer_warmup, a.infer_steps)
    print(json.dumps({
        'train_ms': train_ms, 'infer_ms': infer_ms, 'train_cpu_ms': train_cpu_ms, 'infer_cpu_ms': infer_cpu_ms,
        'train_sps': a.batch * 1000 / train_ms, 'infer_sps': a.batch * 1000 / infer_ms,
        'threads': torch.get_num_threads(), 'torch': torch.__version__,
    }))


if __name__ == '__main__':
    main()

#!/usr/bin/env bash
# Train (or resume) the shipped models exactly as they were made, then write their exit records.
# Long: B-AlexNet takes ~10 min per epoch on one wasm core (minutes on a GPU with tfjs-node-gpu).
# Safe to stop at any time (Ctrl-C or kill): it checkpoints every epoch, every 10 minutes and on
# SIGINT/SIGTERM, and rerunning this script resumes exactly where it stopped.
#
#   bash scripts/train-shipped-models.sh [alexnet|lenet|all]   (default all)
#   CIFAR10=path/to/cifar10 (binary folder, image folder or .tar.gz; default ../shared/datasets/cifar10-jpeg.tar.gz)
set -euo pipefail
cd "$(dirname "$0")/.."
which=${1:-all}
CIFAR10=${CIFAR10:-../shared/datasets/cifar10-jpeg.tar.gz}

train_and_record() { # <out dir> <train args…>
  local out=$1; shift
  local resume=()
  [ -f "$out/checkpoint/state.json" ] && resume=(--resume)
  node bin/eecal.js train --out "$out" "$@" "${resume[@]}"
  mkdir -p "$out/records"
  for split in val test; do
    node bin/eecal.js infer --model "$out" --split "$split" --out "$out/records/$split.csv" ${DATA_ARG:+--data "$DATA_ARG"}
  done
}

if [ "$which" = lenet ] || [ "$which" = all ]; then
  DATA_ARG="" train_and_record models/b-lenet-mnist --model b-lenet --dataset mnist --epochs 4
fi
if [ "$which" = alexnet ] || [ "$which" = all ]; then
  DATA_ARG="$CIFAR10" train_and_record models/b-alexnet-cifar10 --model b-alexnet --dataset cifar10 \
    --epochs 12 --lr-schedule cosine --data "$CIFAR10" --checkpoint-min 10
fi

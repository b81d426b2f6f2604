#!/usr/bin/env bash
# One-time setup on a fresh Debian 12 machine (root, or sudo available): the Debian packages the
# notebooks, figure export, reference checks and native kernels use, then the npm dependencies (npm ci also compiles
# dist/ and the `eecal` command), then the tslab Jupyter kernel in the project-local .jupyter/.
# Everything comes from Debian's archive and the npm registry; nothing else is downloaded.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  jupyter-core jupyter-client jupyter-nbconvert python3-nbclient python3-ipykernel jupyter-notebook jupyter-nbformat
  chromium fonts-liberation fonts-dejavu-core
  python3-numpy python3-scipy python3-sklearn python3-torch
  gcc libopenblas-dev libdnnl-dev
)
missing=()
for p in "${APT_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "setup: installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # Dev dependencies included: tslab (the notebook kernel) and playwright-core (PNG/SVG export, the
  # browser tests) are only optional peers for users of the published package, but a checkout needs them.
  npm ci --no-audit --no-fund --include=dev
else
  npm run build
fi

# eecal's native convolution kernels (OpenBLAS): optional for users, required in CI.
if [ "${CI:-}" = "true" ]; then bash native/build.sh --require; else bash native/build.sh; fi

if [ -f scripts/register-kernel.ts ]; then npx tsx scripts/register-kernel.ts; fi
echo "setup: done. Try: npx eecal doctor"

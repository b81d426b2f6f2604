#!/usr/bin/env bash
# Build eecal's optional native convolution kernels (native/build/eecal_blas.node) with the
# system C compiler against OpenBLAS (Debian: libopenblas-dev). Optional by design: when the
# compiler, Node's headers or OpenBLAS are missing it says what is missing and exits 0, and eecal
# keeps its wasm kernels. `--require` makes a failed build an error (CI uses it).
set -uo pipefail
cd "$(dirname "$0")"
require=0; [ "${1:-}" = "--require" ] && require=1
give_up() {
  echo "build:native: $1 — eecal will use its wasm kernels (slower convolutions)." >&2
  [ "$require" -eq 1 ] && exit 1
  exit 0
}
CC="${CC:-cc}"
command -v "$CC" >/dev/null 2>&1 || give_up "no C compiler ($CC)"
# Node's headers: beside the node binary (official tarballs, Debian's nodejs), or npm's nodedir.
inc="$(node -p "require('path').resolve(process.execPath, '../../include/node')")"
if [ ! -f "$inc/node_api.h" ]; then
  nodedir="$(npm config get nodedir 2>/dev/null || true)"
  inc="${nodedir}/include/node"
fi
[ -f "$inc/node_api.h" ] || give_up "Node's headers (node_api.h) not found beside $(command -v node) nor under npm's nodedir"
mkdir -p build
tmp="build/.eecal_blas.$$.node"
if ! "$CC" -std=c11 -O3 -fPIC -shared -Wall -Wextra -I"$inc" eecal_blas.c -o "$tmp" -lopenblas; then
  rm -f "$tmp"
  give_up "compiling native/eecal_blas.c failed (is libopenblas-dev installed?)"
fi
# Load it once before putting it in place, so a broken build never replaces a working one.
if ! node -e "const m = require('./$tmp'); if (typeof m.conv2d !== 'function') process.exit(1)"; then
  rm -f "$tmp"
  give_up "the built addon does not load"
fi
mv -f "$tmp" build/eecal_blas.node
echo "build:native: built native/build/eecal_blas.node ($(node -p "require('./build/eecal_blas.node').info().blas.trim()"))"

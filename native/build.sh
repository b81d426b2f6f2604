#!/usr/bin/env bash
# Build eecal's optional native convolution kernels (native/build/eecal_blas.node) with the
# system C compiler against OpenBLAS (Debian: libopenblas-dev) and, where installed, oneDNN
# (Debian: libdnnl-dev), which then runs the convolutions. Optional by design: when the compiler,
# Node's headers or OpenBLAS are missing it says what is missing and exits 0, and eecal keeps its
# wasm kernels; without oneDNN it builds the OpenBLAS kernels alone. `--require` makes a failed
# build, and a missing oneDNN, an error (CI uses it).
#
# `--sanitize` builds native/build/eecal_blas.asan.node instead: the same C under AddressSanitizer
# and UndefinedBehaviorSanitizer, for CI to run the native tests against (always --require). Node
# itself is not instrumented, so the ASan runtime must be preloaded; run it as
#   eval "$(bash native/build.sh --sanitize --print-env)"   # LD_PRELOAD, ASAN_OPTIONS, EECAL_NATIVE_ADDON
# Leak checking is off there: Node and V8 keep allocations until exit by design.
set -uo pipefail
cd "$(dirname "$0")"
require=0; sanitize=0; print_env=0
for arg in "$@"; do
  case "$arg" in
    --require) require=1 ;;
    --sanitize) sanitize=1; require=1 ;;
    --print-env) print_env=1 ;;
    *) echo "build:native: unknown option $arg (expected --require, --sanitize, --print-env)" >&2; exit 2 ;;
  esac
done
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
# Warnings are errors: the addon is the one place where a slip corrupts memory instead of throwing.
# -ffp-contract=off: no fused multiply-add, so eecal_adam.c rounds every operation as tfjs does.
# -fno-math-errno: sqrtf need not set errno, which lets the compiler vectorize Adam's loop.
flags=(-std=c11 -fPIC -shared -Wall -Wextra -Werror -ffp-contract=off -fno-math-errno)
out=build/eecal_blas.node
run_env=()
if [ "$sanitize" -eq 1 ]; then
  # -fno-sanitize-recover: the first UB report aborts, so a test run cannot pass over one.
  flags+=(-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all)
  out=build/eecal_blas.asan.node
  asan="$("$CC" -print-file-name=libasan.so)"
  [ -f "$asan" ] || give_up "the compiler's ASan runtime (libasan.so) is missing"
  # allocator_may_return_null: a refused huge scratch must throw, as it does without ASan.
  run_env=(LD_PRELOAD="$asan" ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1:abort_on_error=1
           UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1)
else
  flags+=(-O3)
fi
if [ "$print_env" -eq 1 ]; then
  [ "$sanitize" -eq 1 ] || { echo "build:native: --print-env goes with --sanitize" >&2; exit 2; }
  for kv in "${run_env[@]}"; do printf 'export %q\n' "$kv"; done
  printf 'export %q\n' "EECAL_NATIVE_ADDON=$(pwd)/$out"
  exit 0
fi
# oneDNN: its header and library present, a program using it links, and its major version is 2
# (eecal_dnnl.c uses the 2.x C API; 3.x replaced the operation descriptors it calls).
libs=(-lopenblas)
if printf '#include <oneapi/dnnl/dnnl.h>\n#if DNNL_VERSION_MAJOR != 2\n#error oneDNN 2.x expected\n#endif\nint main(void) { return dnnl_version() == 0; }\n' |
   "$CC" -x c - -o /dev/null -ldnnl >/dev/null 2>&1; then
  flags+=(-DEECAL_DNNL -fopenmp)
  libs+=(-ldnnl)
elif [ "$require" -eq 1 ]; then
  give_up "oneDNN 2.x (libdnnl-dev) is missing"
else
  echo "build:native: oneDNN 2.x (libdnnl-dev) not found — the convolutions will run on OpenBLAS alone (slower)." >&2
fi
mkdir -p build
tmp="build/.eecal_blas.$$.node"
if ! "$CC" "${flags[@]}" -I"$inc" eecal_blas.c eecal_dnnl.c eecal_adam.c eecal_softmax.c eecal_smooth.c -o "$tmp" "${libs[@]}"; then
  rm -f "$tmp"
  give_up "compiling native/eecal_blas.c failed (is libopenblas-dev installed?)"
fi
# Load it once before putting it in place, so a broken build never replaces a working one.
if ! env "${run_env[@]}" node -e "const m = require('./$tmp'); if (typeof m.conv2d !== 'function') process.exit(1)"; then
  rm -f "$tmp"
  give_up "the built addon does not load"
fi
mv -f "$tmp" "$out"
echo "build:native: built native/$out ($(env "${run_env[@]}" node -p "const i = require('./$out').info(); [i.dnnl, i.blas.trim()].filter(Boolean).join('; ')"))"

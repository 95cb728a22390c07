#!/usr/bin/env bash
# Build the WASI conformance programs in test/programs/ into test/programs/build/.
#   *.c   -> clang --target=wasm32-wasi (Debian's wasi-libc sysroot)
#   *.wat -> scripts/wat2wasm.mjs (the `wabt` npm package)
# The built .wasm files are committed, so tests run without clang.
set -euo pipefail
cd "$(dirname "$0")/.."
src=test/programs
out=$src/build
mkdir -p "$out"
CLANG=${CLANG:-clang}
SYSROOT=${WASI_SYSROOT:-/usr}
shopt -s nullglob
for c in "$src"/*.c; do
  name=$(basename "$c" .c)
  echo "cc   $c -> $out/$name.wasm"
  "$CLANG" --target=wasm32-wasi --sysroot="$SYSROOT" -O2 -Wall -Wextra -Wno-unused-result \
    -o "$out/$name.wasm" "$c"
done
for w in "$src"/*.wat; do
  name=$(basename "$w" .wat)
  echo "wat  $w -> $out/$name.wasm"
  node scripts/wat2wasm.mjs "$w" "$out/$name.wasm"
done

#!/usr/bin/env bash
# Rebuilds the benchmark programs: bench/programs/*.c -> bench/programs/build/*.wasm.
# No libc (see bench.h): clang --target=wasm32-wasi, -nostdlib, _start is the entry.
# The built files are committed, so `npm run bench` does not need clang.
set -euo pipefail
cd "$(dirname "$0")"
CLANG=${CLANG:-clang}
mkdir -p build
for c in *.c; do
  name=$(basename "$c" .c)
  echo "cc  bench/programs/$c -> bench/programs/build/$name.wasm"
  "$CLANG" --target=wasm32-wasi -O2 -Wall -Wextra -nostdlib -fno-builtin \
    -Wl,--entry=_start -Wl,--export=_start -Wl,-z,stack-size=65536 \
    -o "build/$name.wasm" "$c"
done

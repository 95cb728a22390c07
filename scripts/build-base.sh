#!/usr/bin/env bash
# Build the base image utilities: base/src/NAME.c (+ base/src/common.c) -> base/bin/NAME.wasm.
# The kernel mounts them as /bin/NAME (no suffix). Rebuilds everything, deterministically:
# no debug info, no build paths, stripped (the same sources give the same bytes).
# The built .wasm files are committed, so tests and the image need no clang.
#   CLANG=clang WASI_SYSROOT=/usr (Debian's clang 14 + wasi-libc).
set -euo pipefail
cd "$(dirname "$0")/.."
src=base/src
out=base/bin
CLANG=${CLANG:-clang}
SYSROOT=${WASI_SYSROOT:-/usr}
CFLAGS=(--target=wasm32-wasi --sysroot="$SYSROOT" -O2 -Wall -Wextra -Wno-unused-parameter
  -ffile-prefix-map="$PWD"=.)
LDFLAGS=(-Wl,--strip-all -Wl,--gc-sections)
mkdir -p "$out"
rm -f "$out"/*.wasm
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$CLANG" "${CFLAGS[@]}" -c -o "$tmp/common.o" "$src/common.c"
for c in "$src"/*.c; do
  name=$(basename "$c" .c)
  [ "$name" = common ] && continue
  "$CLANG" "${CFLAGS[@]}" -c -o "$tmp/$name.o" "$c"
  "$CLANG" "${CFLAGS[@]}" "${LDFLAGS[@]}" -o "$out/$name.wasm" "$tmp/$name.o" "$tmp/common.o"
  printf '%-10s %7d bytes\n' "$name" "$(wc -c < "$out/$name.wasm")"
done

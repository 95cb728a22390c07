/* uname [-asnrvm]: prints system information (default: -s).
 * The values are the kernel's: sysname "wasmvisor", release "0.1.0", version
 * "wasi_snapshot_preview1" (the system interface), machine "wasm32". WASI has
 * no host name: nodename is "(none)", what Linux reports when none is set. */
#include "common.h"

int main(int argc, char **argv) {
  prog_init("uname", "uname [-asnrvm]");
  enum { S = 1, N = 2, R = 4, V = 8, M = 16 };
  int which = 0, c;
  while ((c = next_opt(argc, argv, "asnrvm")) != -1) {
    switch (c) {
    case 'a': which = S | N | R | V | M; break;
    case 's': which |= S; break;
    case 'n': which |= N; break;
    case 'r': which |= R; break;
    case 'v': which |= V; break;
    case 'm': which |= M; break;
    }
  }
  if (optind < argc) usage_error("extra operand '%s'", argv[optind]);
  if (!which) which = S;
  const char *fields[] = {"wasmvisor", "(none)", "0.1.0", "wasi_snapshot_preview1", "wasm32"};
  int first = 1;
  for (int i = 0; i < 5; i++) {
    if (!(which & (1 << i))) continue;
    printf("%s%s", first ? "" : " ", fields[i]);
    first = 0;
  }
  putchar('\n');
  return finish(0);
}

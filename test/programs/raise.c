/* proc_raise(SIGTERM): the process ends as if killed by SIGTERM; wasmvisor
 * reports exit status 128+15 = 143. proc_raise is not in wasi-libc's
 * <wasi/api.h> any more, so it is imported by hand. With an argument, raises
 * that signal number instead. */
#include "common.h"

__attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_raise"))) int32_t
raw_proc_raise(int32_t sig);

int main(int argc, char **argv) {
  wv_init();
  int sig = argc > 1 ? atoi(argv[1]) : 15;
  printf("raising %d\n", sig);
  fflush(stdout);
  int32_t e = raw_proc_raise(sig);
  printf("proc_raise returned: errno %d\n", (int)e);
  return 1;
}

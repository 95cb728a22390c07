/* proc_exit: `proc N` prints a line, then calls proc_exit(N) directly (no
 * libc exit handlers, so stdout is flushed by hand first). Nothing after it
 * runs. Also sched_yield. */
#include "common.h"

int main(int argc, char **argv) {
  wv_init();
  unsigned code = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 0;
  check("sched_yield", __wasi_sched_yield());
  printf("exiting with %u\n", code);
  fflush(stdout);
  __wasi_proc_exit(code);
  printf("not reached\n");
  return 99;
}

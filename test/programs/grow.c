/* Allocates 1 MiB chunks (touching each) until malloc returns NULL, then
 * reports that and exits 0: the runtime must let memory.grow fail cleanly
 * (return -1) at its memory limit instead of killing the program. How many
 * MiB fit depends on the runtime's limit, so only N >= 1 is printed.
 * Not run under node:wasi (its WASI breaks once memory grows,
 * nodejs/node#51303). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The chunks are kept in a list reachable from a volatile global, so the
 * compiler cannot elide the allocations. */
static void *volatile head;

int main(void) {
  unsigned long mib = 0;
  for (;;) {
    char *p = malloc(1 << 20);
    if (p == NULL) break;
    *(void **)p = head;
    p[(1 << 20) - 1] = 1;
    head = p;
    mib++;
  }
  printf("malloc returned NULL\n");
  printf("at least 1 MiB allocated: %s\n", mib >= 1 ? "yes" : "no");
  printf("memory pages: %s\n", __builtin_wasm_memory_size(0) > 16 ? "grew" : "did not grow");
  return 0;
}

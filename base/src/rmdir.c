/* rmdir [-p] DIR...: removes empty directories. -p: then each parent named in
 * DIR, as long as it too becomes empty. */
#include "common.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
  prog_init("rmdir", "rmdir [-p] DIR...");
  int parents = 0, c;
  while ((c = next_opt(argc, argv, "p")) != -1) parents = 1;
  if (optind >= argc) usage_error("missing operand");
  int rc = 0;
  for (int i = optind; i < argc; i++) {
    if (rmdir(argv[i]) != 0) {
      warn_path(argv[i]);
      rc = 1;
      continue;
    }
    if (!parents) continue;
    char *p = xstrdup(argv[i]);
    for (;;) {
      size_t n = strlen(p);
      while (n > 0 && p[n - 1] == '/') p[--n] = 0;
      char *slash = strrchr(p, '/');
      if (!slash || slash == p) break;
      *slash = 0;
      if (rmdir(p) != 0) {
        warn_path(p);
        rc = 1;
        break;
      }
    }
    free(p);
  }
  return rc;
}

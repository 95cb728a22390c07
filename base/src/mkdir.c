/* mkdir [-p] DIR...: creates directories. -p: also the missing parents, and no
 * error when DIR already is a directory. (No -m: WASI has no permission bits.) */
#include "common.h"

#include <stdlib.h>
#include <string.h>

static int make(const char *path, int parents) {
  if (mkdir(path, 0777) == 0) return 0;
  if (parents && errno == EEXIST && is_dir(path)) return 0;
  if (!parents || errno != ENOENT) {
    warn_path(path);
    return 1;
  }
  /* Create each missing ancestor in turn, then path. */
  char *p = xstrdup(path);
  for (char *s = p + 1; *s; s++) {
    if (*s != '/' || s[-1] == '/') continue;
    *s = 0;
    if (mkdir(p, 0777) != 0 && !(errno == EEXIST && is_dir(p))) {
      warn_path(p);
      free(p);
      return 1;
    }
    *s = '/';
  }
  free(p);
  if (mkdir(path, 0777) != 0 && !(errno == EEXIST && is_dir(path))) {
    warn_path(path);
    return 1;
  }
  return 0;
}

int main(int argc, char **argv) {
  prog_init("mkdir", "mkdir [-p] DIR...");
  int parents = 0, c;
  while ((c = next_opt(argc, argv, "p")) != -1) parents = 1;
  if (optind >= argc) usage_error("missing operand");
  int rc = 0;
  for (int i = optind; i < argc; i++) rc |= make(argv[i], parents);
  return rc;
}

/* mv SOURCE DEST, mv SOURCE... DIRECTORY: renames (path_rename). A DEST that
 * is a directory receives SOURCE under its own name. Across file systems
 * (EXDEV) it copies, like cp -r keeping symlinks, then removes SOURCE. */
#include "common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int move(const char *src, const char *dst) {
  if (rename(src, dst) == 0) return 0;
  if (errno != EXDEV) {
    int e = errno;
    warn_msg("cannot move '%s' to '%s': %s", src, dst, strerror(e));
    return 1;
  }
  if (copy_path(src, dst, 1, 0) != 0) return 1;
  return remove_tree(src, 0);
}

int main(int argc, char **argv) {
  prog_init("mv", "mv SOURCE DEST | mv SOURCE... DIRECTORY");
  int c;
  while ((c = next_opt(argc, argv, "f")) != -1) {} /* -f: mv never asks anyway */
  int n = argc - optind;
  if (n < 1) usage_error("missing file operand");
  if (n < 2) usage_error("missing destination file operand after '%s'", argv[optind]);
  const char *dest = argv[argc - 1];
  int into = is_dir(dest);
  if (n > 2 && !into) {
    warn_msg("target '%s' is not a directory", dest);
    return 1;
  }
  int rc = 0;
  for (int i = optind; i < argc - 1; i++) {
    struct stat st;
    if (lstat(argv[i], &st) != 0) {
      warn_path(argv[i]);
      rc = 1;
      continue;
    }
    if (into) {
      char *d = path_join(dest, base_name(argv[i]));
      rc |= move(argv[i], d);
      free(d);
    } else {
      rc |= move(argv[i], dest);
    }
  }
  return rc;
}

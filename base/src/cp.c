/* cp [-rR] SOURCE DEST, cp [-rR] SOURCE... DIRECTORY: copies files (by
 * content, 64 KiB at a time); -r/-R: directories with everything in them,
 * symlinks inside copied as symlinks. A DEST that is a directory receives
 * SOURCE under its own name. Copying a directory into itself is refused. */
#include "common.h"

#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  prog_init("cp", "cp [-rR] SOURCE DEST | cp [-rR] SOURCE... DIRECTORY");
  int recursive = 0, c;
  while ((c = next_opt(argc, argv, "rRf")) != -1) {
    if (c != 'f') recursive = 1; /* -f: cp never asks anyway */
  }
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
    if (into) {
      char *d = path_join(dest, base_name(argv[i]));
      rc |= copy_path(argv[i], d, recursive, !recursive);
      free(d);
    } else {
      rc |= copy_path(argv[i], dest, recursive, !recursive);
    }
  }
  return rc;
}

/* rm [-frR] FILE...: removes files; -r/-R: directories and everything in them.
 * -f: no error for missing files (nor for no operands). Refuses to remove "."
 * or "..", and "/" recursively. */
#include "common.h"

#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
  prog_init("rm", "rm [-frR] FILE...");
  int force = 0, recursive = 0, c;
  while ((c = next_opt(argc, argv, "frRi")) != -1) {
    if (c == 'f') force = 1;
    else if (c == 'i') usage_error("-i: rm cannot ask (no interactive confirmation)");
    else recursive = 1;
  }
  if (optind >= argc && !force) usage_error("missing operand");
  int rc = 0;
  for (int i = optind; i < argc; i++) {
    const char *path = argv[i];
    const char *base = base_name(path);
    if (strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
      warn_msg("refusing to remove '.' or '..' directory: skipping '%s'", path);
      rc = 1;
      continue;
    }
    struct stat st;
    if (lstat(path, &st) != 0) {
      if (!(force && errno == ENOENT)) {
        warn_path(path);
        rc = 1;
      }
      continue;
    }
    if (S_ISDIR(st.st_mode)) {
      if (!recursive) {
        errno = EISDIR;
        warn_path(path);
        rc = 1;
        continue;
      }
      if (strcmp(base, "/") == 0) {
        warn_msg("it is dangerous to operate recursively on '/'");
        rc = 1;
        continue;
      }
      rc |= remove_tree(path, force);
    } else if (unlink(path) != 0) {
      warn_path(path);
      rc = 1;
    }
  }
  return rc;
}

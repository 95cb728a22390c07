/* ln [-fs] TARGET [LINK], ln [-fs] TARGET... DIRECTORY: makes hard links
 * (path_link) or, with -s, symbolic links (path_symlink) to TARGET. LINK
 * defaults to TARGET's name in the working directory; a LINK that is a
 * directory receives the link under TARGET's name. -f: replace existing files. */
#include "common.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int symbolic, force;

static int make(const char *target, const char *link_name) {
  if (force) {
    struct stat st;
    if (lstat(link_name, &st) == 0 && !S_ISDIR(st.st_mode) && unlink(link_name) != 0) {
      warn_path(link_name);
      return 1;
    }
  }
  if ((symbolic ? symlink(target, link_name) : link(target, link_name)) != 0) {
    int e = errno;
    warn_msg("cannot create %s link '%s' to '%s': %s", symbolic ? "symbolic" : "hard", link_name, target, strerror(e));
    return 1;
  }
  return 0;
}

int main(int argc, char **argv) {
  prog_init("ln", "ln [-fs] TARGET [LINK] | ln [-fs] TARGET... DIRECTORY");
  int c;
  while ((c = next_opt(argc, argv, "fs")) != -1) {
    if (c == 'f') force = 1;
    else symbolic = 1;
  }
  int n = argc - optind;
  if (n < 1) usage_error("missing file operand");
  if (n == 1) return make(argv[optind], base_name(argv[optind]));
  const char *dest = argv[argc - 1];
  int into = is_dir(dest);
  if (n > 2 && !into) {
    warn_msg("target '%s' is not a directory", dest);
    return 1;
  }
  if (!into) return make(argv[optind], dest);
  int rc = 0;
  for (int i = optind; i < argc - 1; i++) {
    char *d = path_join(dest, base_name(argv[i]));
    rc |= make(argv[i], d);
    free(d);
  }
  return rc;
}

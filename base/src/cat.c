/* cat [FILE]...: copies the files ("-" or none: standard input) to standard
 * output in 64 KiB reads and whole writes, no stdio in between. */
#include "common.h"

#include <string.h>
#include <unistd.h>

static char buf[CHUNK];

static int cat_fd(int fd, const char *name) {
  for (;;) {
    ssize_t r = read(fd, buf, sizeof buf);
    if (r == 0) return 0;
    if (r < 0) {
      if (errno == EINTR) continue;
      warn_path(name);
      return 1;
    }
    out_write(buf, (size_t)r);
  }
}

int main(int argc, char **argv) {
  prog_init("cat", "cat [-u] [FILE]...");
  while (next_opt(argc, argv, "u") != -1) {} /* -u: unbuffered, which cat always is */
  int rc = 0;
  if (optind >= argc) return cat_fd(0, "-");
  for (int i = optind; i < argc; i++) {
    int fd = open_input(argv[i]);
    if (fd < 0) {
      warn_path(argv[i]);
      rc = 1;
      continue;
    }
    rc |= cat_fd(fd, argv[i]);
    close_input(fd);
  }
  return rc;
}

/* head [-n N | -c N | -N] [FILE]...: the first N lines (default 10) or bytes of
 * each file ("-" or none: standard input), with "==> NAME <==" headers for
 * several files (-q: never, -v: always). It stops reading once it has them,
 * so it ends even on an endless input. */
#include "common.h"

#include <string.h>
#include <unistd.h>

static char buf[CHUNK];

static int head_fd(int fd, const char *name, long long n, int bytes) {
  while (n > 0) {
    ssize_t r = read(fd, buf, sizeof buf);
    if (r == 0) break;
    if (r < 0) {
      if (errno == EINTR) continue;
      warn_path(name);
      return 1;
    }
    size_t take = (size_t)r;
    if (bytes) {
      if ((long long)take > n) take = (size_t)n;
      n -= (long long)take;
    } else {
      for (size_t i = 0; i < (size_t)r; i++) {
        if (buf[i] == '\n' && --n == 0) {
          take = i + 1;
          break;
        }
      }
    }
    fwrite(buf, 1, take, stdout);
    check_stdout();
  }
  return 0;
}

int main(int argc, char **argv) {
  prog_init("head", "head [-qv] [-n N | -c N | -N] [FILE]...");
  long long n = 10;
  int bytes = 0, headers = -1, c;
  /* The old form "-N" as the first argument means "-n N". */
  if (argc > 1 && argv[1][0] == '-' && argv[1][1] >= '0' && argv[1][1] <= '9') {
    if (parse_count(argv[1] + 1, &n) != 0) usage_error("invalid number of lines: '%s'", argv[1] + 1);
    optind = 2; /* getopt starts after it */
  }
  while ((c = next_opt(argc, argv, "n:c:qv")) != -1) {
    if (c == 'n' || c == 'c') {
      bytes = c == 'c';
      if (parse_count(optarg, &n) != 0)
        usage_error("invalid number of %s: '%s'", bytes ? "bytes" : "lines", optarg);
    } else if (c == 'q') {
      headers = 0;
    } else if (c == 'v') {
      headers = 1;
    }
  }
  int nfiles = argc - optind;
  if (headers < 0) headers = nfiles > 1;
  int rc = 0;
  if (nfiles == 0) {
    if (headers) printf("==> standard input <==\n");
    return finish(head_fd(0, "-", n, bytes));
  }
  for (int i = optind; i < argc; i++) {
    int fd = open_input(argv[i]);
    if (fd < 0) {
      warn_path(argv[i]);
      rc = 1;
      continue;
    }
    if (headers)
      printf("%s==> %s <==\n", i > optind ? "\n" : "", strcmp(argv[i], "-") ? argv[i] : "standard input");
    rc |= head_fd(fd, argv[i], n, bytes);
    close_input(fd);
  }
  return finish(rc);
}

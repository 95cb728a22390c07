/* tee [-ai] [FILE]...: copies standard input to standard output and to each
 * FILE (-a: appending). A file that cannot be opened or written is reported
 * and dropped; the copy goes on (exit 1 at the end). */
#include "common.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

static char buf[CHUNK];

int main(int argc, char **argv) {
  prog_init("tee", "tee [-ai] [FILE]...");
  int append = 0, c;
  while ((c = next_opt(argc, argv, "ai")) != -1) {
    if (c == 'a') append = 1;
    /* -i: ignore SIGINT; WASI programs get no signals to ignore. */
  }
  int n = argc - optind, rc = 0;
  int *fds = xmalloc(sizeof(int) * (size_t)(n ? n : 1));
  for (int i = 0; i < n; i++) {
    const char *path = argv[optind + i];
    fds[i] = open(path, O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), 0666);
    if (fds[i] < 0) {
      warn_path(path);
      rc = 1;
    }
  }
  for (;;) {
    ssize_t r = read(0, buf, sizeof buf);
    if (r == 0) break;
    if (r < 0) {
      if (errno == EINTR) continue;
      warn_path("standard input");
      rc = 1;
      break;
    }
    out_write(buf, (size_t)r);
    for (int i = 0; i < n; i++) {
      if (fds[i] >= 0 && write_all(fds[i], buf, (size_t)r) != 0) {
        warn_path(argv[optind + i]);
        close(fds[i]);
        fds[i] = -1;
        rc = 1;
      }
    }
  }
  for (int i = 0; i < n; i++) {
    if (fds[i] >= 0 && close(fds[i]) != 0) {
      warn_path(argv[optind + i]);
      rc = 1;
    }
  }
  return rc;
}

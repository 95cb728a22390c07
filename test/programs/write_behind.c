/* Host stdout/stderr as `wasmvisor run` gives them (the process writes them itself, no round trip):
 *   write_behind interleave N   N times "out K\n" to fd 1 then "err K\n" to fd 2, with a
 *                               gather write and a 100 KiB write
 *                               to fd 1 in the middle: the order must survive 2>&1.
 *   write_behind after-close    close fd 1, then a write to it must fail (EBADF), on fd 2.
 *   write_behind after-rights   drop FD_WRITE from fd 1: a write must fail (ENOTCAPABLE).
 *   write_behind after-renumber move fd 2 onto fd 1: "moved\n" written to fd 1 goes to
 *                               stderr, and fd 2 is closed (EBADF, reported on fd 1).
 *   write_behind flood MiB      MiB mebibytes of 'y' lines to fd 1 in 4 KiB writes; a write
 *                               error is reported on fd 2 with its errno and ends it (status 3).
 * Raw __wasi_* calls: no stdio buffering between the program and the kernel. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

static void put(int fd, const char *s) {
  __wasi_ciovec_t iov = {(const uint8_t *)s, strlen(s)};
  __wasi_size_t n;
  __wasi_fd_write(fd, &iov, 1, &n);
}

static char *fmt(char *p, const char *prefix, unsigned k) {
  char digits[12];
  int n = 0;
  do digits[n++] = (char)('0' + k % 10); while (k /= 10);
  while (*prefix) *p++ = *prefix++;
  while (n) *p++ = digits[--n];
  *p++ = '\n';
  *p = 0;
  return p;
}

static void report_to(int fd, const char *what, __wasi_errno_t e) {
  char line[64];
  char *p = line;
  for (const char *q = what; *q; q++) *p++ = *q;
  fmt(p, ": errno ", e);
  put(fd, line);
}

static void report(const char *what, __wasi_errno_t e) { report_to(2, what, e); }

static uint8_t big[100 * 1024];
static uint8_t block[4096];

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "interleave";
  char line[32];
  if (!strcmp(mode, "interleave")) {
    unsigned n = argc > 2 ? (unsigned)atoi(argv[2]) : 1000;
    for (unsigned k = 0; k < n; k++) {
      fmt(line, "out ", k);
      put(1, line);
      fmt(line, "err ", k);
      put(2, line);
      if (k == n / 2) {
        /* A gather write of three pieces, then a big write. */
        __wasi_ciovec_t iovs[3] = {{(const uint8_t *)"gath", 4}, {(const uint8_t *)"er", 2}, {(const uint8_t *)"ed\n", 3}};
        __wasi_size_t w;
        __wasi_fd_write(1, iovs, 3, &w);
        memset(big, 'B', sizeof big - 1);
        big[sizeof big - 1] = '\n';
        __wasi_ciovec_t iov = {big, sizeof big};
        __wasi_fd_write(1, &iov, 1, &w);
      }
    }
    return 0;
  }
  if (!strcmp(mode, "after-close")) {
    put(1, "before\n");
    __wasi_fd_close(1);
    __wasi_ciovec_t iov = {(const uint8_t *)"after\n", 6};
    __wasi_size_t w;
    report("write after close", __wasi_fd_write(1, &iov, 1, &w));
    return 0;
  }
  if (!strcmp(mode, "after-rights")) {
    put(1, "before\n");
    __wasi_fdstat_t st;
    __wasi_fd_fdstat_get(1, &st);
    __wasi_fd_fdstat_set_rights(1, st.fs_rights_base & ~__WASI_RIGHTS_FD_WRITE, st.fs_rights_inheriting);
    __wasi_ciovec_t iov = {(const uint8_t *)"after\n", 6};
    __wasi_size_t w;
    report("write without FD_WRITE", __wasi_fd_write(1, &iov, 1, &w));
    return 0;
  }
  if (!strcmp(mode, "after-renumber")) {
    put(1, "to stdout\n");
    __wasi_fd_renumber(2, 1);
    put(1, "moved\n");
    __wasi_ciovec_t iov = {(const uint8_t *)"x\n", 2};
    __wasi_size_t w;
    __wasi_errno_t e = __wasi_fd_write(2, &iov, 1, &w);
    report_to(1, "write to fd 2 after renumber", e); /* fd 1 is stderr now */
    return 0;
  }
  if (!strcmp(mode, "flood")) {
    unsigned mib = argc > 2 ? (unsigned)atoi(argv[2]) : 16;
    for (unsigned k = 0; k < sizeof block; k += 2) block[k] = 'y', block[k + 1] = '\n';
    for (unsigned k = 0; k < mib * 256; k++) {
      __wasi_ciovec_t iov = {block, sizeof block};
      __wasi_size_t w;
      __wasi_errno_t e = __wasi_fd_write(1, &iov, 1, &w);
      if (e) {
        report("flood write", e);
        return 3;
      }
    }
    return 0;
  }
  put(2, "unknown mode\n");
  return 2;
}

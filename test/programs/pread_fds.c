/* fd_pread on files, as `wasmvisor run --dir` serves it (a readable host file is read by the
 * process itself, without a round trip): what is read is what was written, through every fd
 * change. pread on a write-only fd, after fd_close, after dropping FD_READ, and from the old
 * number after fd_renumber fails; from the new number it reads. */
#include "common.h"

static int sandbox_fd(void) {
  return find_preopen("/sandbox");
}

static void pread_check(const char *label, int fd, __wasi_filesize_t off) {
  char buf[16] = {0};
  __wasi_iovec_t iov = {(uint8_t *)buf, 5};
  __wasi_size_t n = 0;
  __wasi_errno_t e = __wasi_fd_pread(fd, &iov, 1, off, &n);
  if (e) printf("%s: errno %u\n", label, (unsigned)e);
  else printf("%s: ok %u [%.*s]\n", label, (unsigned)n, (int)n, buf);
}

int main(void) {
  wv_init();
  int dir = sandbox_fd();
  __wasi_fd_t fd, wfd, other;
  __wasi_errno_t e = __wasi_path_open(dir, 0, "p.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, ALL_RIGHTS, 0, 0, &fd);
  printf("create p.txt: %s\n", e ? "failed" : "ok");
  __wasi_ciovec_t w = {(const uint8_t *)"hello world", 11};
  __wasi_size_t n;
  __wasi_fd_pwrite(fd, &w, 1, 0, &n);
  pread_check("pread 0", fd, 0);
  pread_check("pread 6", fd, 6);
  pread_check("pread at end", fd, 11);
  /* A write through the same fd is seen by the next pread. */
  __wasi_ciovec_t w2 = {(const uint8_t *)"HELLO", 5};
  __wasi_fd_pwrite(fd, &w2, 1, 0, &n);
  pread_check("pread after pwrite", fd, 0);
  /* Two iovecs. */
  char a[3], b[4];
  __wasi_iovec_t two[2] = {{(uint8_t *)a, 3}, {(uint8_t *)b, 4}};
  e = __wasi_fd_pread(fd, two, 2, 2, &n);
  printf("pread two iovecs: %s %u [%.3s|%.4s]\n", e ? "errno" : "ok", e ? (unsigned)e : (unsigned)n, a, b);
  /* Write-only fd. */
  e = __wasi_path_open(dir, 0, "p.txt", 0, __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK, 0, 0, &wfd);
  printf("open write-only: %s\n", e ? "failed" : "ok");
  pread_check("pread write-only fd", wfd, 0);
  __wasi_fd_close(wfd);
  /* Renumber onto another open fd: the old number is closed, the new one reads. */
  e = __wasi_path_open(dir, 0, "p.txt", 0, READ_RIGHTS, 0, 0, &other);
  printf("open another: %s\n", e ? "failed" : "ok");
  pread_check("pread other", other, 6);
  __wasi_fd_renumber(other, fd);
  pread_check("pread renumbered", fd, 6);
  pread_check("pread old number", other, 6);
  /* Drop FD_READ. */
  __wasi_fdstat_t st;
  __wasi_fd_fdstat_get(fd, &st);
  __wasi_fd_fdstat_set_rights(fd, st.fs_rights_base & ~__WASI_RIGHTS_FD_READ, 0);
  pread_check("pread without FD_READ", fd, 0);
  /* Closed. */
  __wasi_fd_close(fd);
  pread_check("pread closed fd", fd, 0);
  e = __wasi_path_unlink_file(dir, "p.txt");
  printf("unlink: %s\n", e ? "failed" : "ok");
  printf("done\n");
  return 0;
}

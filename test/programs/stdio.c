/* stdin/stdout/stderr: read all of stdin (a pipe, fed by the test), echo it,
 * write to stderr; fd_seek/fd_tell on stdin are ESPIPE; fd_fdstat_get on the
 * three; poll_oneoff fd_read on stdin at EOF is ready. */
#include "common.h"

static char in[8192];

int main(void) {
  wv_init();
  size_t total = 0;
  int reads = 0;
  for (;;) {
    __wasi_iovec_t iov = {(uint8_t *)in + total, sizeof in - 1 - total};
    __wasi_size_t n = 0;
    __wasi_errno_t e = __wasi_fd_read(0, &iov, 1, &n);
    if (e) {
      printf("fd_read stdin: errno %u\n", (unsigned)e);
      break;
    }
    reads++;
    if (n == 0) break;
    total += n;
    if (total >= sizeof in - 1) break;
  }
  in[total] = 0;
  printf("stdin bytes: %zu\n", total);
  /* Echo line by line. */
  char *line = in;
  while (*line) {
    char *nl = strchr(line, '\n');
    size_t len = nl ? (size_t)(nl - line) : strlen(line);
    printf("stdin: [%.*s]\n", (int)len, line);
    line += len + (nl ? 1 : 0);
  }
  __wasi_size_t n = 0;
  __wasi_iovec_t iov = {(uint8_t *)in, 16};
  checkv("fd_read stdin at eof", __wasi_fd_read(0, &iov, 1, &n), n);

  __wasi_filesize_t off;
  check("fd_seek stdin", __wasi_fd_seek(0, 0, __WASI_WHENCE_CUR, &off));
  check("fd_tell stdin", __wasi_fd_tell(0, &off));
  __wasi_fdstat_t fs;
  for (__wasi_fd_t fd = 0; fd < 3; fd++) {
    char label[32];
    snprintf(label, sizeof label, "fd_fdstat_get %u", (unsigned)fd);
    check(label, __wasi_fd_fdstat_get(fd, &fs));
  }
  __wasi_fd_fdstat_get(0, &fs);
  printf("stdin read right: %s\n", yesno(fs.fs_rights_base & __WASI_RIGHTS_FD_READ));
  __wasi_fd_fdstat_get(1, &fs);
  printf("stdout write right: %s\n", yesno(fs.fs_rights_base & __WASI_RIGHTS_FD_WRITE));

  /* stdin at EOF is readable. */
  static __wasi_subscription_t sub;
  static __wasi_event_t ev;
  sub.userdata = 42;
  sub.u.tag = __WASI_EVENTTYPE_FD_READ;
  sub.u.u.fd_read.file_descriptor = 0;
  __wasi_errno_t e = __wasi_poll_oneoff(&sub, &ev, 1, &n);
  if (e)
    printf("poll_oneoff stdin: errno %u\n", (unsigned)e);
  else
    printf("poll_oneoff stdin: ok %u event(s), userdata %llu type %u error %u\n", (unsigned)n,
           (unsigned long long)ev.userdata, (unsigned)ev.type, (unsigned)ev.error);

  __wasi_size_t w;
  checkv("fd_write stderr", write_str(2, "to stderr\n", &w), w);
  fflush(stdout);
  checkv("fd_write stdout raw", write_str(1, "raw stdout line\n", &w), w);
  printf("done\n");
  return 0;
}

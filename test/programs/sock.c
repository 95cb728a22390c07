/* sock_accept, sock_recv, sock_send, sock_shutdown on things that are not
 * sockets: a regular file and the preopened directory (ENOTSOCK), and a
 * closed fd number (EBADF). Uses /sandbox/sock.txt. */
#include "common.h"

int main(void) {
  wv_init();
  __wasi_fd_t root = find_preopen("/sandbox");
  check("make sock.txt", make_file(root, "sock.txt", "not a socket"));
  __wasi_fd_t fd;
  __wasi_errno_t e = open_at(root, 0, "sock.txt", 0, ALL_RIGHTS, 0, 0, &fd);
  check("path_open sock.txt", e);

  char buf[16];
  __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf};
  __wasi_ciovec_t ciov = {(const uint8_t *)"hi", 2};
  __wasi_size_t n = 0;
  __wasi_roflags_t roflags = 0;
  __wasi_fd_t newfd = 0;
  static const struct { __wasi_fd_t fd; const char *what; } targets[3] = {{0, "file"}, {0, "dir"}, {99, "bad fd"}};
  __wasi_fd_t fds[3] = {fd, root, 99};
  char label[64];
  for (int i = 0; i < 3; i++) {
    snprintf(label, sizeof label, "sock_accept %s", targets[i].what);
    check(label, __wasi_sock_accept(fds[i], 0, &newfd));
    snprintf(label, sizeof label, "sock_recv %s", targets[i].what);
    check(label, __wasi_sock_recv(fds[i], &iov, 1, 0, &n, &roflags));
    snprintf(label, sizeof label, "sock_send %s", targets[i].what);
    check(label, __wasi_sock_send(fds[i], &ciov, 1, 0, &n));
    snprintf(label, sizeof label, "sock_shutdown %s", targets[i].what);
    check(label, __wasi_sock_shutdown(fds[i], __WASI_SDFLAGS_RD | __WASI_SDFLAGS_WR));
  }
  /* The file is untouched. */
  e = read_str(fd, buf, sizeof buf, &n);
  checks("fd_read after sock_*", e, buf);
  check("fd_close", __wasi_fd_close(fd));
  check("path_unlink_file sock.txt", __wasi_path_unlink_file(root, "sock.txt"));
  printf("done\n");
  return 0;
}

/* Directory fds and absolute symlinks, as wasmtime (and Linux) have them.
 *  - path_symlink with an absolute target succeeds, from the preopen and from a
 *    subdirectory fd (a target is only text); readlink gives it back and a
 *    nofollow stat sees the link; only following it is confined to the
 *    preopen (ENOTCAPABLE, 76).
 *  - byte operations on a directory fd: fd_read and fd_pread are EISDIR (31),
 *    as read(2) on Linux; fd_write, fd_pwrite, fd_seek and fd_tell are EBADF
 *    (8), as in wasmtime: never ESPIPE (70), a directory is no pipe.
 * Works in /sandbox/edges, which it creates and removes. */
#include "common.h"

static char buf[16];

static void byte_ops(const char *what, __wasi_fd_t fd) {
  char label[64];
  __wasi_filesize_t pos = 0;
  __wasi_size_t n = 0;
  __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf};
  __wasi_ciovec_t ciov = {(const uint8_t *)buf, sizeof buf};
  snprintf(label, sizeof label, "fd_read %s", what);
  check(label, __wasi_fd_read(fd, &iov, 1, &n));
  snprintf(label, sizeof label, "fd_pread %s", what);
  check(label, __wasi_fd_pread(fd, &iov, 1, 0, &n));
  snprintf(label, sizeof label, "fd_write %s", what);
  check(label, __wasi_fd_write(fd, &ciov, 1, &n));
  snprintf(label, sizeof label, "fd_pwrite %s", what);
  check(label, __wasi_fd_pwrite(fd, &ciov, 1, 0, &n));
  snprintf(label, sizeof label, "fd_seek set 0 %s", what);
  check(label, __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos));
  snprintf(label, sizeof label, "fd_seek cur 0 %s", what);
  check(label, __wasi_fd_seek(fd, 0, __WASI_WHENCE_CUR, &pos));
  snprintf(label, sizeof label, "fd_seek end 0 %s", what);
  check(label, __wasi_fd_seek(fd, 0, __WASI_WHENCE_END, &pos));
  snprintf(label, sizeof label, "fd_tell %s", what);
  check(label, __wasi_fd_tell(fd, &pos));
}

static void readlink_of(__wasi_fd_t dir, const char *path) {
  char target[64];
  __wasi_size_t used = 0;
  char label[64];
  snprintf(label, sizeof label, "path_readlink %s", path);
  __wasi_errno_t e = __wasi_path_readlink(dir, path, (uint8_t *)target, sizeof target - 1, &used);
  target[e == 0 ? used : 0] = 0;
  checks(label, e, target);
}

static void stat_nofollow(__wasi_fd_t dir, const char *path) {
  __wasi_filestat_t st;
  char label[64];
  snprintf(label, sizeof label, "path_filestat_get %s nofollow", path);
  __wasi_errno_t e = __wasi_path_filestat_get(dir, 0, path, &st);
  if (e == 0)
    printf("%s: %s size %llu\n", label, filetype_name(st.filetype), (unsigned long long)st.size);
  else
    printf("%s: errno %u\n", label, (unsigned)e);
}

int main(void) {
  wv_init();
  __wasi_fd_t root = find_preopen("/sandbox");
  check("path_create_directory edges", __wasi_path_create_directory(root, "edges"));
  __wasi_fd_t dir = 0;
  check("path_open edges", open_at(root, 0, "edges", __WASI_OFLAGS_DIRECTORY, READ_RIGHTS, ALL_RIGHTS, 0, &dir));

  /* Absolute targets: created, read back, confined only when followed. */
  check("path_symlink /etc/passwd from the preopen", __wasi_path_symlink("/etc/passwd", root, "edges/passwd.lnk"));
  check("path_symlink / from a subdirectory fd", __wasi_path_symlink("/", dir, "root.lnk"));
  check("path_symlink /sandbox/edges from a subdirectory fd", __wasi_path_symlink("/sandbox/edges", dir, "self.lnk"));
  check("path_symlink absolute onto an existing name", __wasi_path_symlink("/etc/passwd", dir, "passwd.lnk"));
  readlink_of(root, "edges/passwd.lnk");
  readlink_of(dir, "root.lnk");
  readlink_of(dir, "self.lnk");
  stat_nofollow(dir, "passwd.lnk");
  stat_nofollow(dir, "root.lnk");
  __wasi_filestat_t st;
  __wasi_fd_t fd = 0;
  check("path_open via absolute symlink", open_at(root, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "edges/passwd.lnk", 0,
                                                  READ_RIGHTS, 0, 0, &fd));
  check("path_filestat_get via absolute symlink", __wasi_path_filestat_get(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "root.lnk", &st));
  check("path_filestat_get through absolute symlink", __wasi_path_filestat_get(dir, 0, "self.lnk/passwd.lnk", &st));
  check("path_unlink_file passwd.lnk", __wasi_path_unlink_file(dir, "passwd.lnk"));
  check("path_unlink_file root.lnk", __wasi_path_unlink_file(dir, "root.lnk"));
  check("path_unlink_file self.lnk", __wasi_path_unlink_file(dir, "self.lnk"));

  /* Byte operations on directory fds: a subdirectory and the preopen itself. */
  byte_ops("on a directory", dir);
  byte_ops("on the preopen", root);
  check("fd_readdir still works", __wasi_fd_readdir(dir, (uint8_t *)buf, sizeof buf, 0, &(__wasi_size_t){0}));

  check("fd_close edges", __wasi_fd_close(dir));
  check("path_remove_directory edges", __wasi_path_remove_directory(root, "edges"));
  printf("done\n");
  return 0;
}

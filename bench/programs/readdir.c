// readdir.wasm N: a directory of N entries read with fd_readdir through a 64-byte buffer, so
// one whole entry a call (names are 29 bytes: header 24 + 29 > 32, two never fit), each call
// resuming from the cookie of the last whole entry, as wasi-libc's readdir does with a small
// buffer. Only the reading is timed; the entries (symlinks, the cheapest entry to make) are
// made before and removed after.                              -> "readdir <ns> <entries read>"
#include "bench.h"

WASI(path_create_directory) int32_t wasi_path_create_directory(int32_t fd, const char *path, uint32_t len);
WASI(path_remove_directory) int32_t wasi_path_remove_directory(int32_t fd, const char *path, uint32_t len);
WASI(path_symlink) int32_t wasi_path_symlink(const char *target, uint32_t target_len, int32_t fd, const char *path,
                                              uint32_t path_len);
WASI(fd_readdir) int32_t wasi_fd_readdir(int32_t fd, uint8_t *buf, uint32_t len, uint64_t cookie, uint32_t *used);

#define DIR_NAME "readdir.d"
#define DIRENT_HEADER 24
/* fd_readdir | path_open | path_filestat_get */
#define DIR_RIGHTS ((1ull << 14) | (1ull << 13) | (1ull << 18))
#define OFLAGS_DIRECTORY 2

/* "readdir.d/entry-with-a-long-name-NNNNNN" into out; returns its length. */
static uint32_t entry_path(char *out, uint32_t k) {
  const char *prefix = DIR_NAME "/entry-with-a-long-name-";
  uint32_t n = 0;
  for (const char *p = prefix; *p; p++) out[n++] = *p;
  for (int d = 5; d >= 0; d--) {
    out[n + (uint32_t)d] = (char)('0' + k % 10);
    k /= 10;
  }
  return n + 6;
}

static uint8_t buf[64];

void _start(void) {
  load_args();
  uint32_t count = (uint32_t)arg_u64(1, 100000);
  if (count > 1000000) die("at most 1000000 entries", 0);
  char path[64];
  int32_t e = wasi_path_create_directory(SCRATCH_FD, DIR_NAME, str_len(DIR_NAME));
  if (e) die("path_create_directory", e);
  for (uint32_t k = 0; k < count; k++) {
    e = wasi_path_symlink("t", 1, SCRATCH_FD, path, entry_path(path, k));
    if (e) die("path_symlink", e);
  }
  int32_t dir = -1;
  e = wasi_path_open(SCRATCH_FD, 0, DIR_NAME, str_len(DIR_NAME), OFLAGS_DIRECTORY, DIR_RIGHTS, 0, 0, &dir);
  if (e) die("path_open directory", e);

  uint64_t t0 = now_ns();
  uint64_t cookie = 0, entries = 0;
  for (;;) {
    uint32_t used = 0;
    e = wasi_fd_readdir(dir, buf, sizeof buf, cookie, &used);
    if (e) die("fd_readdir", e);
    uint32_t at = 0, whole = 0;
    while (at + DIRENT_HEADER <= used) {
      uint32_t namelen;
      memcpy(&namelen, buf + at + 16, 4);
      if (at + DIRENT_HEADER + namelen > used) break;
      memcpy(&cookie, buf + at, 8);
      /* Count the entries made here, not "." and ".." (node:wasi does not list those). */
      if (namelen == 29 && buf[at + DIRENT_HEADER] == 'e') entries++;
      at += DIRENT_HEADER + namelen;
      whole++;
    }
    if (used < sizeof buf) break; /* the end of the directory */
    if (whole == 0) die("an entry does not fit in 64 bytes", (int32_t)used);
  }
  uint64_t t1 = now_ns();
  if (entries != count) die("entries read", (int32_t)entries);
  report("readdir", t1 - t0, entries);

  wasi_fd_close(dir);
  for (uint32_t k = 0; k < count; k++) {
    e = wasi_path_unlink_file(SCRATCH_FD, path, entry_path(path, k));
    if (e) die("path_unlink_file", e);
  }
  e = wasi_path_remove_directory(SCRATCH_FD, DIR_NAME, str_len(DIR_NAME));
  if (e) die("path_remove_directory", e);
}

/* Shared helpers for the WASI conformance programs.
 *
 * Output rules: one line per check, deterministic text only: "LABEL: ok",
 * "LABEL: ok VALUE" or "LABEL: errno N". Never print timestamps, inode numbers,
 * random bytes or fd numbers that a runtime may choose freely; print
 * properties instead ("nonzero", "monotonic ok").
 *
 * Heap: node:wasi (Node 20) breaks once a module's memory grows
 * (nodejs/node#51303), so these programs avoid malloc beyond what fits in the
 * initial memory: raw __wasi_* calls on static buffers, no stdio FILE opens.
 */
#ifndef WV_COMMON_H
#define WV_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

/* An address far outside any 32-bit memory a test program has. */
#define BAD_PTR ((void *)0xFFFFFFF0u)

/* The rights new fds ask for: whatever the preopen lets them inherit (set
 * by find_preopen; asking for more is ENOTCAPABLE on some runtimes). */
static __wasi_rights_t wv_all_rights = (__wasi_rights_t)((1ull << 29) - 1);
#define ALL_RIGHTS wv_all_rights
/* The rights for opening read-only (what wasi-libc's open(O_RDONLY) asks
 * for): no write, datasync, allocate or truncate. Directories need these. */
#define WRITE_RIGHTS                                                                   \
  (__WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_DATASYNC | __WASI_RIGHTS_FD_ALLOCATE |     \
   __WASI_RIGHTS_FD_FILESTAT_SET_SIZE)
#define READ_RIGHTS (ALL_RIGHTS & ~WRITE_RIGHTS)

/* Raw imports for calls whose libc wrapper would touch a bad pointer first
 * (the __wasi_path_* wrappers call strlen on the path). */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("path_open"))) int32_t
raw_path_open(int32_t fd, int32_t dirflags, int32_t path, int32_t path_len, int32_t oflags,
              int64_t rights_base, int64_t rights_inheriting, int32_t fdflags, int32_t fd_out);
__attribute__((import_module("wasi_snapshot_preview1"), import_name("path_filestat_get"))) int32_t
raw_path_filestat_get(int32_t fd, int32_t flags, int32_t path, int32_t path_len, int32_t buf);

static char wv_outbuf[4096];

/* Line-buffered stdout: output is not lost if the program dies mid-way. */
static inline void wv_init(void) { setvbuf(stdout, wv_outbuf, _IOLBF, sizeof wv_outbuf); }

/* "LABEL: ok" or "LABEL: errno N". */
static inline void check(const char *label, __wasi_errno_t e) {
  if (e == 0)
    printf("%s: ok\n", label);
  else
    printf("%s: errno %u\n", label, (unsigned)e);
}

/* "LABEL: ok VALUE" or "LABEL: errno N". */
static inline void checkv(const char *label, __wasi_errno_t e, unsigned long long v) {
  if (e == 0)
    printf("%s: ok %llu\n", label, v);
  else
    printf("%s: errno %u\n", label, (unsigned)e);
}

/* "LABEL: ok TEXT" or "LABEL: errno N". */
static inline void checks(const char *label, __wasi_errno_t e, const char *text) {
  if (e == 0)
    printf("%s: ok %s\n", label, text);
  else
    printf("%s: errno %u\n", label, (unsigned)e);
}

static inline const char *yesno(int b) { return b ? "yes" : "no"; }

static inline const char *filetype_name(__wasi_filetype_t t) {
  switch (t) {
    case __WASI_FILETYPE_UNKNOWN: return "unknown";
    case __WASI_FILETYPE_BLOCK_DEVICE: return "blockdev";
    case __WASI_FILETYPE_CHARACTER_DEVICE: return "chardev";
    case __WASI_FILETYPE_DIRECTORY: return "dir";
    case __WASI_FILETYPE_REGULAR_FILE: return "file";
    case __WASI_FILETYPE_SOCKET_DGRAM: return "socket_dgram";
    case __WASI_FILETYPE_SOCKET_STREAM: return "socket_stream";
    case __WASI_FILETYPE_SYMBOLIC_LINK: return "symlink";
    default: return "invalid";
  }
}

/* Find the preopened directory named NAME; prints its fd (a runtime with a
 * single --dir should give it fd 3, the first after stdio). Exits if absent. */
static inline __wasi_fd_t find_preopen(const char *name) {
  for (__wasi_fd_t fd = 3; fd < 64; fd++) {
    __wasi_prestat_t ps;
    if (__wasi_fd_prestat_get(fd, &ps) != 0) continue;
    if (ps.tag != __WASI_PREOPENTYPE_DIR) continue;
    char buf[256];
    if (ps.u.dir.pr_name_len >= sizeof buf) continue;
    if (__wasi_fd_prestat_dir_name(fd, (uint8_t *)buf, ps.u.dir.pr_name_len) != 0) continue;
    buf[ps.u.dir.pr_name_len] = 0;
    if (strcmp(buf, name) == 0) {
      __wasi_fdstat_t fs;
      if (__wasi_fd_fdstat_get(fd, &fs) == 0) wv_all_rights = fs.fs_rights_inheriting;
      return fd;
    }
  }
  printf("preopen %s: missing\n", name);
  fflush(stdout);
  exit(1);
}

/* path_open relative to DIR, no symlink following of the last component
 * unless LOOKUP says so. */
static inline __wasi_errno_t open_at(__wasi_fd_t dir, __wasi_lookupflags_t lookup, const char *path,
                                     __wasi_oflags_t oflags, __wasi_rights_t base,
                                     __wasi_rights_t inheriting, __wasi_fdflags_t fdflags,
                                     __wasi_fd_t *out) {
  return __wasi_path_open(dir, lookup, path, oflags, base, inheriting, fdflags, out);
}

/* Write all of S to FD with one fd_write; returns errno. */
static inline __wasi_errno_t write_str(__wasi_fd_t fd, const char *s, __wasi_size_t *n) {
  __wasi_ciovec_t iov = {(const uint8_t *)s, strlen(s)};
  return __wasi_fd_write(fd, &iov, 1, n);
}

/* Read up to CAP-1 bytes from FD into BUF (NUL-terminated); returns errno. */
static inline __wasi_errno_t read_str(__wasi_fd_t fd, char *buf, size_t cap, __wasi_size_t *n) {
  __wasi_iovec_t iov = {(uint8_t *)buf, cap - 1};
  __wasi_errno_t e = __wasi_fd_read(fd, &iov, 1, n);
  buf[e == 0 ? *n : 0] = 0;
  return e;
}

/* Make a file with the given content; returns errno. */
static inline __wasi_errno_t make_file(__wasi_fd_t dir, const char *path, const char *content) {
  __wasi_fd_t fd;
  __wasi_errno_t e = open_at(dir, 0, path, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, ALL_RIGHTS,
                             ALL_RIGHTS, 0, &fd);
  if (e) return e;
  __wasi_size_t n;
  e = write_str(fd, content, &n);
  __wasi_errno_t e2 = __wasi_fd_close(fd);
  return e ? e : e2;
}

#endif

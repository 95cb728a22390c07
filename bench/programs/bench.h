// bench.h: the little runtime the benchmark programs share. No libc: the WASI imports are
// declared here and called directly, and every buffer is static, so no program ever grows its
// memory (Node 20's node:wasi breaks after memory.grow, nodejs/node#51303).
//
// Every program takes its parameters in argv, times its own loop with clock_time_get(MONOTONIC)
// (so process start is excluded) and reports on fd 2, one line per measurement:
//     <label> <elapsed_ns> <count>
// where count is the number of operations (or bytes, as the label says).
#pragma once
#include <stdint.h>
#include <stddef.h>

#define WASI(name) __attribute__((import_module("wasi_snapshot_preview1"), import_name(#name)))

typedef struct { const uint8_t *buf; uint32_t len; } ciovec_t;
typedef struct { uint8_t *buf; uint32_t len; } iovec_t;

WASI(args_sizes_get) int32_t wasi_args_sizes_get(uint32_t *argc, uint32_t *bufsize);
WASI(args_get) int32_t wasi_args_get(char **argv, char *buf);
WASI(clock_time_get) int32_t wasi_clock_time_get(uint32_t id, uint64_t precision, uint64_t *time);
WASI(random_get) int32_t wasi_random_get(uint8_t *buf, uint32_t len);
WASI(fd_write) int32_t wasi_fd_write(int32_t fd, const ciovec_t *iovs, uint32_t n, uint32_t *nwritten);
WASI(fd_read) int32_t wasi_fd_read(int32_t fd, const iovec_t *iovs, uint32_t n, uint32_t *nread);
WASI(fd_pwrite) int32_t wasi_fd_pwrite(int32_t fd, const ciovec_t *iovs, uint32_t n, uint64_t off, uint32_t *nwritten);
WASI(fd_seek) int32_t wasi_fd_seek(int32_t fd, int64_t off, uint32_t whence, uint64_t *newoff);
WASI(fd_close) int32_t wasi_fd_close(int32_t fd);
WASI(path_open) int32_t wasi_path_open(int32_t dirfd, uint32_t dirflags, const char *path, uint32_t path_len,
                                        uint32_t oflags, uint64_t rights_base, uint64_t rights_inheriting,
                                        uint32_t fdflags, int32_t *fd);
WASI(path_filestat_get) int32_t wasi_path_filestat_get(int32_t fd, uint32_t flags, const char *path, uint32_t path_len,
                                                        uint8_t *filestat);
WASI(path_unlink_file) int32_t wasi_path_unlink_file(int32_t fd, const char *path, uint32_t path_len);
WASI(proc_exit) _Noreturn void wasi_proc_exit(int32_t code);

#define CLOCK_MONOTONIC 1
#define OFLAGS_CREAT 1
#define OFLAGS_TRUNC 8
#define WHENCE_SET 0
/* fd_read | fd_seek | fd_tell | fd_write | fd_filestat_get */
#define FILE_RIGHTS ((1ull << 1) | (1ull << 2) | (1ull << 5) | (1ull << 6) | (1ull << 21))
/* The first preopened directory: every runtime under test gets exactly one, a scratch dir. */
#define SCRATCH_FD 3

static __attribute__((unused)) uint32_t str_len(const char *s) {
  uint32_t n = 0;
  while (s[n]) n++;
  return n;
}

static __attribute__((unused)) void write_all(int32_t fd, const char *s, uint32_t len) {
  while (len > 0) {
    ciovec_t iov = {(const uint8_t *)s, len};
    uint32_t n = 0;
    if (wasi_fd_write(fd, &iov, 1, &n) != 0 || n == 0) return;
    s += n;
    len -= n;
  }
}

static __attribute__((unused)) void die(const char *what, int32_t err) {
  char msg[96];
  uint32_t k = 0;
  for (const char *p = "bench: "; *p; p++) msg[k++] = *p;
  for (const char *p = what; *p && k < 80; p++) msg[k++] = *p;
  msg[k++] = ' ';
  char d[12];
  int nd = 0;
  uint32_t e = (uint32_t)err;
  do { d[nd++] = (char)('0' + e % 10); e /= 10; } while (e);
  while (nd) msg[k++] = d[--nd];
  msg[k++] = '\n';
  write_all(2, msg, k);
  wasi_proc_exit(1);
}

static __attribute__((unused)) uint32_t fmt_u64(char *out, uint64_t v) {
  char d[24];
  int n = 0;
  do { d[n++] = (char)('0' + v % 10); v /= 10; } while (v);
  for (int k = 0; k < n; k++) out[k] = d[n - 1 - k];
  return (uint32_t)n;
}

/* Prints "<label> <elapsed_ns> <count>\n" on fd 2. */
static __attribute__((unused)) void report(const char *label, uint64_t ns, uint64_t count) {
  char line[96];
  uint32_t k = 0;
  for (const char *p = label; *p; p++) line[k++] = *p;
  line[k++] = ' ';
  k += fmt_u64(line + k, ns);
  line[k++] = ' ';
  k += fmt_u64(line + k, count);
  line[k++] = '\n';
  write_all(2, line, k);
}

static __attribute__((unused)) uint64_t now_ns(void) {
  uint64_t t = 0;
  int32_t e = wasi_clock_time_get(CLOCK_MONOTONIC, 1, &t);
  if (e) die("clock_time_get", e);
  return t;
}

/* Writes `total` bytes of a-z to stdout in writes of `size` bytes from `buf` (at least `size`
 * long), timed; reports "stdout <ns> <bytes>". Rows 4 (io.c) and 12b (host.c). */
static __attribute__((unused)) void stdout_bench(uint8_t *buf, uint32_t size, uint64_t total) {
  for (uint32_t k = 0; k < size; k++) buf[k] = (uint8_t)('a' + k % 26);
  uint64_t t0 = now_ns();
  uint64_t done = 0;
  while (done < total) {
    ciovec_t iov = {buf, size};
    uint32_t n = 0;
    int32_t e = wasi_fd_write(1, &iov, 1, &n);
    if (e) die("fd_write stdout", e);
    if (n == 0) die("fd_write stdout wrote nothing", 0);
    done += n;
  }
  uint64_t t1 = now_ns();
  report("stdout", t1 - t0, done);
}

static char arg_buf[4096];
static char *arg_ptrs[64];
static uint32_t argc_;

static __attribute__((unused)) void load_args(void) {
  uint32_t size = 0;
  if (wasi_args_sizes_get(&argc_, &size) || argc_ > 64 || size > sizeof arg_buf) die("args", 0);
  if (wasi_args_get(arg_ptrs, arg_buf)) die("args_get", 0);
}

static __attribute__((unused)) const char *arg(uint32_t k, const char *dflt) {
  return k < argc_ ? arg_ptrs[k] : dflt;
}

static __attribute__((unused)) uint64_t arg_u64(uint32_t k, uint64_t dflt) {
  if (k >= argc_) return dflt;
  uint64_t v = 0;
  for (const char *p = arg_ptrs[k]; *p >= '0' && *p <= '9'; p++) v = v * 10 + (uint64_t)(*p - '0');
  return v;
}

static __attribute__((unused)) int str_eq(const char *a, const char *b) {
  while (*a && *a == *b) a++, b++;
  return *a == *b;
}

static __attribute__((unused)) int32_t open_scratch(const char *name, uint32_t oflags) {
  int32_t fd = -1;
  int32_t e = wasi_path_open(SCRATCH_FD, 0, name, str_len(name), oflags, FILE_RIGHTS, 0, 0, &fd);
  if (e) die("path_open", e);
  return fd;
}

/* The compiler may emit calls to these for struct copies and loops. */
void *memset(void *d, int c, size_t n) {
  uint8_t *p = d;
  while (n--) *p++ = (uint8_t)c;
  return d;
}
void *memcpy(void *d, const void *s, size_t n) {
  uint8_t *p = d;
  const uint8_t *q = s;
  while (n--) *p++ = *q++;
  return d;
}

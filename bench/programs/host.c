// host.wasm MODE ...: what a command-line run does with the host, timed inside the program. Run
// as a whole process (`wasmvisor run --dir DIR` vs a node:wasi script) with the scratch directory
// a real host directory (bench/lib/host_rows.mjs).
//   stdout MiB CHUNK  write MiB mebibytes to fd 1 in CHUNK-byte writes   -> "stdout <ns> <bytes>"
//   files N           N times: create "h<k>", write 16 bytes, close, stat, unlink (5 calls)
//                                                                       -> "files <ns> <5N>"
//   pread N           N 1-byte fd_pread at offset 0 of a scratch file   -> "pread <ns> <N>"
#include "bench.h"

WASI(fd_pread) int32_t wasi_fd_pread(int32_t fd, const iovec_t *iovs, uint32_t n, uint64_t off, uint32_t *nread);

/* fd_read | fd_seek | fd_write | fd_filestat_get: what the scratch files are opened with. */
#define PREAD_RIGHTS (FILE_RIGHTS | (1ull << 3))

#define MAX_CHUNK 65536
static uint8_t chunk[MAX_CHUNK];

static void do_stdout(uint64_t total, uint32_t size) {
  if (size == 0 || size > MAX_CHUNK) die("chunk size must be 1..65536", (int32_t)size);
  stdout_bench(chunk, size, total);
}

static void do_files(uint64_t count) {
  char name[32];
  static uint8_t st[64];
  static const uint8_t data[16] = "0123456789abcdef";
  uint64_t t0 = now_ns();
  for (uint32_t k = 0; k < count; k++) {
    name[0] = 'h';
    name[1 + fmt_u64(name + 1, k)] = 0;
    int32_t fd = open_scratch(name, OFLAGS_CREAT | OFLAGS_TRUNC);
    ciovec_t iov = {data, sizeof data};
    uint32_t n = 0;
    int32_t e = wasi_fd_write(fd, &iov, 1, &n);
    if (e || n != sizeof data) die("fd_write", e);
    if ((e = wasi_fd_close(fd))) die("fd_close", e);
    if ((e = wasi_path_filestat_get(SCRATCH_FD, 0, name, str_len(name), st))) die("path_filestat_get", e);
    if (st[32] != sizeof data) die("stat size", st[32]); /* filestat.size is at offset 32 */
    if ((e = wasi_path_unlink_file(SCRATCH_FD, name, str_len(name)))) die("path_unlink_file", e);
  }
  uint64_t t1 = now_ns();
  report("files", t1 - t0, 5 * count);
}

static void do_pread(uint64_t count) {
  int32_t fd = -1;
  int32_t e = wasi_path_open(SCRATCH_FD, 0, "pread.dat", 9, OFLAGS_CREAT | OFLAGS_TRUNC, PREAD_RIGHTS, 0, 0, &fd);
  if (e) die("path_open", e);
  static const uint8_t byte = 'x';
  ciovec_t wv = {&byte, 1};
  uint32_t n;
  if ((e = wasi_fd_write(fd, &wv, 1, &n))) die("fd_write", e);
  static uint8_t got;
  uint64_t sum = 0;
  uint64_t t0 = now_ns();
  for (uint64_t i = 0; i < count; i++) {
    iovec_t iov = {&got, 1};
    if ((e = wasi_fd_pread(fd, &iov, 1, 0, &n))) die("fd_pread", e);
    sum += got + n;
  }
  uint64_t t1 = now_ns();
  if (sum != count * ('x' + 1)) die("fd_pread read something else", 0);
  report("pread", t1 - t0, count);
  wasi_fd_close(fd);
  wasi_path_unlink_file(SCRATCH_FD, "pread.dat", 9);
}

void _start(void) {
  load_args();
  const char *mode = arg(1, "stdout");
  if (str_eq(mode, "stdout")) do_stdout(arg_u64(2, 64) << 20, (uint32_t)arg_u64(3, 4096));
  else if (str_eq(mode, "files")) do_files(arg_u64(2, 2000));
  else if (str_eq(mode, "pread")) do_pread(arg_u64(2, 100000));
  else die("unknown mode", 0);
}

// io.wasm MODE ...: bulk I/O, timed inside the program.
//   stdout MiB       write MiB mebibytes to fd 1 in 64 KiB chunks     -> "stdout <ns> <bytes>"
//   file MiB         write a MiB-mebibyte scratch file in 64 KiB chunks, then read it back
//                    from the start in 64 KiB chunks                  -> "file_write <ns> <bytes>",
//                                                                       "file_read <ns> <bytes>"
//   files N          create N empty files, stat each, unlink each     -> "files <ns> <N>"
#include "bench.h"

#define CHUNK 65536
static uint8_t chunk[CHUNK];

static void do_stdout(uint64_t total) {
  stdout_bench(chunk, CHUNK, total);
}

static void do_file(uint64_t total) {
  for (uint32_t k = 0; k < CHUNK; k++) chunk[k] = (uint8_t)k;
  int32_t fd = open_scratch("io.dat", OFLAGS_CREAT | OFLAGS_TRUNC);
  uint64_t t0 = now_ns();
  uint64_t done = 0;
  while (done < total) {
    ciovec_t iov = {chunk, CHUNK};
    uint32_t n = 0;
    int32_t e = wasi_fd_write(fd, &iov, 1, &n);
    if (e) die("fd_write", e);
    if (n == 0) die("fd_write wrote nothing", 0);
    done += n;
  }
  uint64_t t1 = now_ns();
  report("file_write", t1 - t0, done);
  uint64_t off;
  if (wasi_fd_seek(fd, 0, WHENCE_SET, &off)) die("fd_seek", 0);
  uint64_t t2 = now_ns();
  uint64_t got = 0;
  uint32_t check = 0;
  for (;;) {
    iovec_t iov = {chunk, CHUNK};
    uint32_t n = 0;
    int32_t e = wasi_fd_read(fd, &iov, 1, &n);
    if (e) die("fd_read", e);
    if (n == 0) break;
    check += chunk[n - 1];
    got += n;
  }
  uint64_t t3 = now_ns();
  if (got != done) die("read back a different size", (int32_t)got);
  report("file_read", t3 - t2, got);
  wasi_fd_close(fd);
  wasi_path_unlink_file(SCRATCH_FD, "io.dat", 6);
  if (check == 1) write_all(2, "", 0);
}

static void name_for(char *out, uint32_t k) {
  out[0] = 'f';
  uint32_t n = 1 + fmt_u64(out + 1, k);
  out[n] = 0;
}

static void do_files(uint64_t count) {
  char name[32];
  static uint8_t st[64];
  uint64_t t0 = now_ns();
  for (uint32_t k = 0; k < count; k++) {
    name_for(name, k);
    int32_t fd = open_scratch(name, OFLAGS_CREAT | OFLAGS_TRUNC);
    wasi_fd_close(fd);
  }
  for (uint32_t k = 0; k < count; k++) {
    name_for(name, k);
    int32_t e = wasi_path_filestat_get(SCRATCH_FD, 0, name, str_len(name), st);
    if (e) die("path_filestat_get", e);
  }
  for (uint32_t k = 0; k < count; k++) {
    name_for(name, k);
    int32_t e = wasi_path_unlink_file(SCRATCH_FD, name, str_len(name));
    if (e) die("path_unlink_file", e);
  }
  uint64_t t1 = now_ns();
  report("files", t1 - t0, count);
}

void _start(void) {
  load_args();
  const char *mode = arg(1, "stdout");
  if (str_eq(mode, "stdout")) do_stdout(arg_u64(2, 256) << 20);
  else if (str_eq(mode, "file")) do_file(arg_u64(2, 64) << 20);
  else if (str_eq(mode, "files")) do_files(arg_u64(2, 2000));
  else die("unknown mode", 0);
}

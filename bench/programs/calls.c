// calls.wasm MODE N: N calls of one cheap system call, timed inside the program.
//   clock   clock_time_get(MONOTONIC)        (a vDSO call in wasmvisor)
//   random  random_get of 16 bytes           (a vDSO call in wasmvisor)
//   pwrite  1-byte fd_pwrite at offset 0 of a scratch file (crosses to the kernel)
//   seek    fd_seek(SET) on a scratch file    (crosses to the kernel)
// Reports "<mode> <elapsed_ns> <N>" on fd 2.
#include "bench.h"

static uint8_t rnd[16];

void _start(void) {
  load_args();
  const char *mode = arg(1, "clock");
  uint64_t n = arg_u64(2, 100000);
  uint64_t sink = 0;
  if (str_eq(mode, "clock")) {
    uint64_t t0 = now_ns();
    for (uint64_t i = 0; i < n; i++) {
      uint64_t t = 0;
      wasi_clock_time_get(CLOCK_MONOTONIC, 1, &t);
      sink += t;
    }
    uint64_t t1 = now_ns();
    report("clock", t1 - t0, n);
  } else if (str_eq(mode, "random")) {
    uint64_t t0 = now_ns();
    for (uint64_t i = 0; i < n; i++) {
      wasi_random_get(rnd, sizeof rnd);
      sink += rnd[0];
    }
    uint64_t t1 = now_ns();
    report("random", t1 - t0, n);
  } else if (str_eq(mode, "pwrite") || str_eq(mode, "seek")) {
    int32_t fd = open_scratch("calls.dat", OFLAGS_CREAT | OFLAGS_TRUNC);
    static const uint8_t byte = 'x';
    ciovec_t iov = {&byte, 1};
    uint32_t nw;
    if (wasi_fd_pwrite(fd, &iov, 1, 0, &nw)) die("fd_pwrite", 0);
    int pw = str_eq(mode, "pwrite");
    uint64_t t0 = now_ns();
    for (uint64_t i = 0; i < n; i++) {
      if (pw) {
        int32_t e = wasi_fd_pwrite(fd, &iov, 1, 0, &nw);
        if (e) die("fd_pwrite", e);
        sink += nw;
      } else {
        uint64_t off;
        int32_t e = wasi_fd_seek(fd, (int64_t)(i & 1), WHENCE_SET, &off);
        if (e) die("fd_seek", e);
        sink += off;
      }
    }
    uint64_t t1 = now_ns();
    report(mode, t1 - t0, n);
    wasi_fd_close(fd);
    wasi_path_unlink_file(SCRATCH_FD, "calls.dat", 9);
  } else {
    die("unknown mode", 0);
  }
  if (sink == 42) write_all(2, "", 0); /* keep the loop's results alive */
}

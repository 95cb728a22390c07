// cpu.wasm N: N rounds of integer math that also loads and stores a 256 KiB table in linear
// memory, with no system call inside the loop: what running on a shared memory costs.
// Reports "cpu <elapsed_ns> <N>" on fd 2.
#include "bench.h"

#define TABLE (1u << 16)
static uint32_t table[TABLE];

void _start(void) {
  load_args();
  uint64_t n = arg_u64(1, 100000000);
  uint64_t x = 0x9E3779B97F4A7C15ull;
  uint32_t acc = 0;
  uint64_t t0 = now_ns();
  for (uint64_t i = 0; i < n; i++) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    uint32_t h = (uint32_t)(x >> 32);
    uint32_t slot = h & (TABLE - 1);
    table[slot] += h ^ acc;
    acc = (acc << 5 | acc >> 27) + table[(slot * 7) & (TABLE - 1)];
  }
  uint64_t t1 = now_ns();
  report("cpu", t1 - t0, n);
  char line[32];
  uint32_t k = 0;
  for (const char *p = "checksum "; *p; p++) line[k++] = *p;
  k += fmt_u64(line + k, acc);
  line[k++] = '\n';
  write_all(2, line, k);
}

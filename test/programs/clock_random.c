/* clock_res_get, clock_time_get, random_get, sched_yield: success paths,
 * EINVAL for an unknown clock id, EFAULT for out-of-range pointers. */
#include "common.h"

static uint8_t rbuf1[4096], rbuf2[4096];

static int all_zero(const uint8_t *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (p[i]) return 0;
  return 1;
}

int main(void) {
  wv_init();
  static const struct { __wasi_clockid_t id; const char *name; } clocks[] = {
      {__WASI_CLOCKID_REALTIME, "realtime"},
      {__WASI_CLOCKID_MONOTONIC, "monotonic"},
      {__WASI_CLOCKID_PROCESS_CPUTIME_ID, "process_cputime"},
      {__WASI_CLOCKID_THREAD_CPUTIME_ID, "thread_cputime"},
  };
  char label[64];
  for (size_t i = 0; i < sizeof clocks / sizeof clocks[0]; i++) {
    __wasi_timestamp_t res = 0, t = 0;
    __wasi_errno_t e = __wasi_clock_res_get(clocks[i].id, &res);
    snprintf(label, sizeof label, "clock_res_get %s", clocks[i].name);
    /* A resolution is > 0 and at most one second. */
    checks(label, e, res > 0 && res <= 1000000000ull ? "in (0, 1s]" : "out of range");
    e = __wasi_clock_time_get(clocks[i].id, 1, &t);
    snprintf(label, sizeof label, "clock_time_get %s", clocks[i].name);
    checks(label, e, t > 0 ? "nonzero" : "zero");
  }

  /* Realtime is after 2020-01-01 and before 2200-01-01. */
  __wasi_timestamp_t now = 0;
  __wasi_errno_t e = __wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 0, &now);
  checks("clock_time_get realtime plausible", e,
         now > 1577836800ull * 1000000000ull && now < 7258118400ull * 1000000000ull ? "yes" : "no");

  /* Monotonic never goes backwards, and advances across a busy wait. */
  __wasi_timestamp_t t0 = 0, t1 = 0, prev = 0;
  int mono = 1;
  __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 0, &t0);
  prev = t0;
  for (int i = 0; i < 1000; i++) {
    __wasi_timestamp_t t;
    if (__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 0, &t) != 0 || t < prev) mono = 0;
    prev = t;
  }
  do {
    e = __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 0, &t1);
  } while (e == 0 && t1 - t0 < 2000000ull);
  printf("clock_time_get monotonic: %s\n", mono && e == 0 ? "monotonic ok" : "went backwards");

  /* Process CPU time advances while we spin. */
  __wasi_timestamp_t c0 = 0, c1 = 0, m0 = 0, m1 = 0;
  if (__wasi_clock_time_get(__WASI_CLOCKID_PROCESS_CPUTIME_ID, 0, &c0) == 0) {
    __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 0, &m0);
    do {
      __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 0, &m1);
    } while (m1 - m0 < 20000000ull);
    __wasi_clock_time_get(__WASI_CLOCKID_PROCESS_CPUTIME_ID, 0, &c1);
    printf("process_cputime advances: %s\n", yesno(c1 > c0));
  }

  check("clock_res_get invalid id", __wasi_clock_res_get(99, &now));
  check("clock_time_get invalid id", __wasi_clock_time_get(99, 0, &now));
  check("clock_res_get bad ptr", __wasi_clock_res_get(__WASI_CLOCKID_MONOTONIC, BAD_PTR));
  check("clock_time_get bad ptr", __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 0, BAD_PTR));

  /* random_get: fills the buffer; two draws differ; zero length is fine. */
  e = __wasi_random_get(rbuf1, sizeof rbuf1);
  checks("random_get 4096", e, all_zero(rbuf1, sizeof rbuf1) ? "all zero" : "nonzero");
  e = __wasi_random_get(rbuf2, sizeof rbuf2);
  checks("random_get again", e, memcmp(rbuf1, rbuf2, sizeof rbuf1) ? "differs" : "same");
  memset(rbuf1, 0, 64);
  e = __wasi_random_get(rbuf1 + 1, 16);
  checks("random_get 16 in place", e, rbuf1[0] == 0 && all_zero(rbuf1 + 17, 47) ? "bounded" : "overran");
  check("random_get 0", __wasi_random_get(rbuf1, 0));
  check("random_get bad ptr", __wasi_random_get(BAD_PTR, 16));
  check("random_get past end", __wasi_random_get((uint8_t *)0xFFFFFF00u, 0x1000));

  check("sched_yield", __wasi_sched_yield());
  printf("done\n");
  return 0;
}

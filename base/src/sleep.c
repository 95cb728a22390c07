/* sleep NUMBER[smhd]...: pauses for the sum of the intervals (fractions allowed,
 * "inf" sleeps until killed). nanosleep, which wasi-libc serves with a
 * poll_oneoff clock subscription: the kernel blocks this process only. */
#include "common.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int main(int argc, char **argv) {
  prog_init("sleep", "sleep NUMBER[smhd]...");
  while (next_opt(argc, argv, "") != -1) {}
  if (optind >= argc) usage_error("missing operand");
  double total = 0;
  for (int i = optind; i < argc; i++) {
    char *end;
    errno = 0;
    double v = strtod(argv[i], &end);
    double mult = 1;
    if (end != argv[i] && *end && !end[1]) {
      switch (*end) {
      case 's': mult = 1; end++; break;
      case 'm': mult = 60; end++; break;
      case 'h': mult = 3600; end++; break;
      case 'd': mult = 86400; end++; break;
      }
    }
    if (end == argv[i] || *end || isnan(v) || v < 0) usage_error("invalid time interval '%s'", argv[i]);
    total += v * mult;
  }
  /* Sleep in pieces of at most a day so huge or infinite totals never overflow. */
  while (total > 0) {
    double piece = total > 86400 ? 86400 : total;
    struct timespec ts, rem;
    ts.tv_sec = (time_t)piece;
    ts.tv_nsec = (long)((piece - (double)ts.tv_sec) * 1e9);
    if (ts.tv_nsec > 999999999) ts.tv_nsec = 999999999;
    while (nanosleep(&ts, &rem) != 0) {
      if (errno != EINTR) {
        warn_msg("cannot sleep: %s", strerror(errno));
        return 1;
      }
      ts = rem;
    }
    if (!isinf(total)) total -= piece;
  }
  return 0;
}

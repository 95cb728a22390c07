/* date [-u] [-d @SECONDS | -r FILE] [+FORMAT]: prints the time (now, the given
 * seconds since the epoch, or FILE's modification time) with strftime's FORMAT
 * (default "%a %b %e %H:%M:%S %Z %Y"); %N is the nanoseconds. WASI has no time
 * zones: local time is UTC, with or without -u. Setting the clock is impossible
 * in WASI (no call for it). */
#include "common.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

int main(int argc, char **argv) {
  prog_init("date", "date [-u] [-d @SECONDS | -r FILE] [+FORMAT]");
  const char *dstr = NULL, *ref = NULL;
  int c;
  while ((c = next_opt(argc, argv, "ud:r:")) != -1) {
    if (c == 'd') dstr = optarg;
    else if (c == 'r') ref = optarg;
    /* -u: UTC, which is the only zone WASI has. */
  }
  if (dstr && ref) usage_error("the options to specify dates are mutually exclusive");
  const char *fmt = "%a %b %e %H:%M:%S %Z %Y";
  if (optind < argc) {
    if (argv[optind][0] != '+') {
      warn_msg("cannot set the date to '%s': WASI has no call to set the clock", argv[optind]);
      return 1;
    }
    fmt = argv[optind] + 1;
    if (optind + 1 < argc) usage_error("extra operand '%s'", argv[optind + 1]);
  }
  struct timespec ts;
  if (dstr) {
    char *end;
    errno = 0;
    long long s = dstr[0] == '@' ? strtoll(dstr + 1, &end, 10) : 0;
    if (dstr[0] != '@' || end == dstr + 1 || *end || errno) {
      warn_msg("invalid date '%s' (only @SECONDS is understood)", dstr);
      return 1;
    }
    ts.tv_sec = (time_t)s;
    ts.tv_nsec = 0;
  } else if (ref) {
    struct stat st;
    if (stat(ref, &st) != 0) {
      warn_path(ref);
      return 1;
    }
    ts = st.st_mtim;
  } else if (clock_gettime(CLOCK_REALTIME, &ts) != 0) {
    warn_msg("cannot read the clock: %s", strerror(errno));
    return 1;
  }
  struct tm tm;
  if (!gmtime_r(&ts.tv_sec, &tm)) {
    warn_msg("time %lld is out of range", (long long)ts.tv_sec);
    return 1;
  }
  /* Expand %N (strftime lacks it) before handing the format over. */
  size_t flen = strlen(fmt);
  char *f2 = xmalloc(flen * 9 + 1), *o = f2;
  for (const char *p = fmt; *p; p++) {
    if (p[0] == '%' && p[1] == '%') {
      *o++ = *p++;
      *o++ = *p;
    } else if (p[0] == '%' && p[1] == 'N') {
      o += sprintf(o, "%09ld", (long)ts.tv_nsec);
      p++;
    } else {
      *o++ = *p;
    }
  }
  *o = 0;
  if (*f2) {
    size_t cap = 256;
    char *out = NULL;
    for (;;) {
      out = xrealloc(out, cap);
      size_t n = strftime(out, cap, f2, &tm);
      if (n > 0 || cap > 4096 + flen * 64) {
        fwrite(out, 1, n, stdout);
        break;
      }
      cap *= 4;
    }
  }
  putchar('\n');
  return finish(0);
}

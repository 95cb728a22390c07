/* seq [-w] [-s SEP] [FIRST [INCR]] LAST: prints numbers from FIRST (default 1)
 * by INCR (default 1) while not past LAST, one a line (or separated by SEP).
 * -w pads with leading zeros to equal width. Integers are exact (64-bit);
 * with a fraction, the output has as many decimals as FIRST and INCR have. */
#include "common.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int is_integer(const char *s) {
  if (*s == '-' || *s == '+') s++;
  if (!*s) return 0;
  for (; *s; s++)
    if (*s < '0' || *s > '9') return 0;
  return 1;
}

static double number(const char *s) {
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (end == s || *end || isnan(v)) usage_error("invalid floating point argument: '%s'", s);
  return v;
}

/* Digits after the decimal point in s (0 for integers and exponent forms). */
static int decimals(const char *s) {
  const char *dot = strchr(s, '.');
  if (!dot || strpbrk(s, "eE")) return 0;
  return (int)strlen(dot + 1);
}

int main(int argc, char **argv) {
  prog_init("seq", "seq [-w] [-s SEP] [FIRST [INCR]] LAST");
  const char *sep = "\n";
  int equal = 0, i = 1;
  /* Options by hand: "-5" is a number, not an option. */
  for (; i < argc && argv[i][0] == '-' && argv[i][1] && !(argv[i][1] >= '0' && argv[i][1] <= '9') && argv[i][1] != '.';
       i++) {
    if (strcmp(argv[i], "--") == 0) {
      i++;
      break;
    }
    for (const char *o = argv[i] + 1; *o; o++) {
      if (*o == 'w') {
        equal = 1;
      } else if (*o == 's') {
        if (o[1]) sep = o + 1;
        else if (i + 1 < argc) sep = argv[++i];
        else usage_error("option requires an argument -- 's'");
        break;
      } else {
        usage_error("invalid option -- '%c'", *o);
      }
    }
  }
  int n = argc - i;
  if (n < 1) usage_error("missing operand");
  if (n > 3) usage_error("extra operand '%s'", argv[i + 3]);
  const char *sfirst = n > 1 ? argv[i] : "1";
  const char *sincr = n > 2 ? argv[i + 1] : "1";
  const char *slast = argv[i + n - 1];
  double first = number(sfirst), incr = number(sincr), last = number(slast);
  if (incr == 0) {
    warn_msg("invalid Zero increment value: '%s'", sincr);
    return 1;
  }
  int printed = 0;
  if (is_integer(sfirst) && is_integer(sincr) && is_integer(slast) && fabs(first) < 9e18 && fabs(incr) < 9e18 &&
      fabs(last) < 9e18) {
    long long a = strtoll(sfirst, NULL, 10), d = strtoll(sincr, NULL, 10), z = strtoll(slast, NULL, 10);
    int width = 0;
    if (equal) {
      char t[32];
      int w1 = snprintf(t, sizeof t, "%lld", a), w2 = snprintf(t, sizeof t, "%lld", z);
      width = w1 > w2 ? w1 : w2;
    }
    for (long long v = a; d > 0 ? v <= z : v >= z; v += d) {
      if (printed++) fputs(sep, stdout);
      printf("%0*lld", width, v);
      check_stdout();
      /* Stop before v + d would overflow. */
      if (d > 0 ? v > z - d : v < z - d) break;
    }
  } else {
    int prec = decimals(sfirst) > decimals(sincr) ? decimals(sfirst) : decimals(sincr);
    int width = 0;
    if (equal) {
      char t[512];
      int w1 = snprintf(t, sizeof t, "%.*f", prec, first), w2 = snprintf(t, sizeof t, "%.*f", prec, last);
      width = w1 > w2 ? w1 : w2;
    }
    char lastbuf[512], cur[512];
    snprintf(lastbuf, sizeof lastbuf, "%.*f", prec, last);
    for (long long k = 0;; k++) {
      double v = first + (double)k * incr;
      int past = incr > 0 ? v > last : v < last;
      snprintf(cur, sizeof cur, "%0*.*f", width, prec, v);
      /* Accept a value past LAST only by rounding error: when it prints as LAST. */
      if (past) {
        char plain[512];
        snprintf(plain, sizeof plain, "%.*f", prec, v);
        if (strcmp(plain, lastbuf) != 0) break;
      }
      if (printed++) fputs(sep, stdout);
      fputs(cur, stdout);
      check_stdout();
      if (past || isinf(v)) break;
    }
  }
  if (printed) putchar('\n');
  return finish(0);
}

/* sort [-fnru] [-o FILE] [FILE]...: sorts the lines of all the files ("-" or
 * none: standard input) and writes them to standard output (or FILE, which may
 * be one of the inputs). Lines compare byte by byte (the C locale) unless
 *   -n  numerically by their leading number ([-]digits[.digits], after blanks;
 *       exact, any length), lines without one counting as 0;
 *   -f  ignoring ASCII case.
 * Lines with equal keys then compare byte by byte, unless -u, which keeps only
 * the first line of each run of equal keys. -r reverses the order.
 * Memory: the input once, plus one 16-byte entry per line. */
#include "common.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct line {
  const char *s;
  size_t len;
  size_t index;
};

static int numeric, reverse, unique, fold;

static int bytecmp(const struct line *a, const struct line *b) {
  size_t n = a->len < b->len ? a->len : b->len;
  int c = memcmp(a->s, b->s, n);
  if (c) return c;
  return a->len < b->len ? -1 : a->len > b->len;
}

static int foldcmp(const struct line *a, const struct line *b) {
  size_t n = a->len < b->len ? a->len : b->len;
  for (size_t i = 0; i < n; i++) {
    int x = toupper((unsigned char)a->s[i]), y = toupper((unsigned char)b->s[i]);
    if (x != y) return x - y;
  }
  return a->len < b->len ? -1 : a->len > b->len;
}

/* A parsed leading number: sign, integer digits (no leading zeros), fraction digits. */
struct num {
  int neg;
  const char *ip, *fp;
  size_t il, fl;
};

static void parse_num(const char *s, size_t len, struct num *n) {
  const char *e = s + len;
  while (s < e && (*s == ' ' || *s == '\t')) s++;
  n->neg = 0;
  if (s < e && *s == '-') n->neg = 1, s++;
  while (s < e && *s == '0') s++;
  n->ip = s;
  while (s < e && *s >= '0' && *s <= '9') s++;
  n->il = (size_t)(s - n->ip);
  n->fp = s;
  n->fl = 0;
  if (s < e && *s == '.') {
    n->fp = ++s;
    while (s < e && *s >= '0' && *s <= '9') s++;
    n->fl = (size_t)(s - n->fp);
    while (n->fl > 0 && n->fp[n->fl - 1] == '0') n->fl--; /* 1.50 == 1.5 */
  }
  if (n->il == 0 && n->fl == 0) n->neg = 0; /* -0 == 0 */
}

static int numcmp(const struct line *a, const struct line *b) {
  struct num x, y;
  parse_num(a->s, a->len, &x);
  parse_num(b->s, b->len, &y);
  if (x.neg != y.neg) return x.neg ? -1 : 1;
  int c;
  if (x.il != y.il) {
    c = x.il < y.il ? -1 : 1;
  } else {
    c = memcmp(x.ip, y.ip, x.il);
    if (!c) {
      size_t n = x.fl < y.fl ? x.fl : y.fl;
      c = memcmp(x.fp, y.fp, n);
      if (!c && x.fl != y.fl) c = x.fl < y.fl ? -1 : 1;
    }
  }
  return x.neg ? -c : c;
}

static int keycmp(const struct line *a, const struct line *b) {
  if (numeric) return numcmp(a, b);
  if (fold) return foldcmp(a, b);
  return bytecmp(a, b);
}

static int compare(const void *pa, const void *pb) {
  const struct line *a = pa, *b = pb;
  int c = keycmp(a, b);
  if (!c && !unique && (numeric || fold)) c = bytecmp(a, b);
  if (reverse) c = -c;
  if (!c) c = a->index < b->index ? -1 : a->index > b->index; /* stable */
  return c;
}

static char *data;
static size_t len, cap;

static int slurp(int fd, const char *name) {
  for (;;) {
    if (cap - len < CHUNK) data = xrealloc(data, cap = cap ? cap * 2 : 4 * CHUNK);
    ssize_t r = read(fd, data + len, CHUNK);
    if (r == 0) break;
    if (r < 0) {
      if (errno == EINTR) continue;
      warn_path(name);
      return 1;
    }
    len += (size_t)r;
  }
  if (len > 0 && data[len - 1] != '\n') {
    if (cap == len) data = xrealloc(data, ++cap);
    data[len++] = '\n';
  }
  return 0;
}

int main(int argc, char **argv) {
  prog_init("sort", "sort [-fnru] [-o FILE] [FILE]...");
  const char *outfile = NULL;
  int c;
  while ((c = next_opt(argc, argv, "fnruo:")) != -1) {
    switch (c) {
    case 'f': fold = 1; break;
    case 'n': numeric = 1; break;
    case 'r': reverse = 1; break;
    case 'u': unique = 1; break;
    case 'o': outfile = optarg; break;
    }
  }
  if (optind >= argc) {
    if (slurp(0, "-")) return 2;
  }
  for (int i = optind; i < argc; i++) {
    int fd = open_input(argv[i]);
    if (fd < 0) {
      warn_path(argv[i]);
      return 2;
    }
    int bad = slurp(fd, argv[i]);
    close_input(fd);
    if (bad) return 2;
  }
  size_t n = 0;
  for (size_t i = 0; i < len; i++) n += data[i] == '\n';
  struct line *lines = xmalloc(n * sizeof *lines);
  const char *p = data;
  for (size_t i = 0; i < n; i++) {
    const char *nl = memchr(p, '\n', (size_t)(data + len - p));
    lines[i].s = p;
    lines[i].len = (size_t)(nl - p);
    lines[i].index = i;
    p = nl + 1;
  }
  qsort(lines, n, sizeof *lines, compare);
  FILE *out = stdout;
  if (outfile) {
    static char obuf[CHUNK];
    out = fopen(outfile, "w");
    if (!out) {
      warn_path(outfile);
      return 2;
    }
    setvbuf(out, obuf, _IOFBF, sizeof obuf);
  }
  for (size_t i = 0; i < n; i++) {
    if (unique && i > 0 && keycmp(&lines[i - 1], &lines[i]) == 0) continue;
    fwrite(lines[i].s, 1, lines[i].len, out);
    putc('\n', out);
    if (out == stdout) check_stdout();
  }
  if (out != stdout && (fflush(out) != 0 || ferror(out) || fclose(out) != 0)) {
    warn_path(outfile);
    return 2;
  }
  return finish(0);
}

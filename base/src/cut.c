/* cut -b LIST | -c LIST | -f LIST [-d DELIM] [-s] [FILE]...: prints the
 * selected bytes, characters or fields of each line. LIST: N, N-M, N-, -M,
 * separated by commas; numbered from 1; printed in input order. Fields are
 * separated by DELIM (one byte, default tab); lines without it are printed
 * whole unless -s. Characters are bytes: WASI programs run in the C locale. */
#include "common.h"

#include <stdlib.h>
#include <string.h>

struct range {
  long long lo, hi; /* inclusive; hi = LLONG_MAX for "N-" */
};
static struct range *ranges;
static size_t nranges;

static int cmp_range(const void *a, const void *b) {
  const struct range *x = a, *y = b;
  return x->lo < y->lo ? -1 : x->lo > y->lo;
}

static void parse_list(const char *list) {
  char *copy = xstrdup(list), *save = NULL;
  for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    long long lo = 1, hi = 0x7fffffffffffffffLL;
    char *dash = strchr(tok, '-');
    if (dash) *dash = 0;
    if (*tok && parse_count(tok, &lo) != 0) usage_error("invalid list '%s'", list);
    if (dash) {
      if (dash[1] && parse_count(dash + 1, &hi) != 0) usage_error("invalid list '%s'", list);
      if (!*tok && !dash[1]) usage_error("invalid range with no endpoint: -");
    } else {
      hi = lo;
    }
    if (lo == 0 || hi == 0) usage_error("numbers in a list are counted from 1");
    if (lo > hi) usage_error("invalid decreasing range '%s'", list);
    ranges = xrealloc(ranges, (nranges + 1) * sizeof *ranges);
    ranges[nranges].lo = lo;
    ranges[nranges++].hi = hi;
  }
  free(copy);
  if (!nranges) usage_error("invalid list '%s'", list);
  qsort(ranges, nranges, sizeof *ranges, cmp_range);
}

static int selected(long long i) {
  for (size_t r = 0; r < nranges && ranges[r].lo <= i; r++)
    if (i <= ranges[r].hi) return 1;
  return 0;
}

int main(int argc, char **argv) {
  prog_init("cut", "cut -b LIST | -c LIST | -f LIST [-d DELIM] [-s] [FILE]...");
  int mode = 0, only_delimited = 0, c;
  char delim = '\t';
  const char *list = NULL;
  while ((c = next_opt(argc, argv, "b:c:f:d:sn")) != -1) {
    switch (c) {
    case 'b':
    case 'c':
    case 'f':
      if (mode) usage_error("only one list may be given");
      mode = c == 'f' ? 'f' : 'b';
      list = optarg;
      break;
    case 'd':
      if (strlen(optarg) != 1) usage_error("the delimiter must be a single character");
      delim = optarg[0];
      break;
    case 's': only_delimited = 1; break;
    case 'n': break; /* -n: don't split characters; they are bytes here */
    }
  }
  if (!mode) usage_error("you must specify a list of bytes, characters, or fields");
  parse_list(list);
  stdin_buffer();
  int rc = 0;
  char *stdin_only[] = {"-"};
  char **files = optind < argc ? argv + optind : stdin_only;
  int nfiles = optind < argc ? argc - optind : 1;
  char *line = NULL;
  size_t cap = 0;
  for (int f = 0; f < nfiles; f++) {
    FILE *in = open_stream(files[f]);
    if (!in) {
      warn_path(files[f]);
      rc = 1;
      continue;
    }
    ssize_t n;
    while ((n = getline(&line, &cap, in)) > 0) {
      size_t len = (size_t)n;
      if (line[len - 1] == '\n') len--;
      if (mode == 'b') {
        for (size_t i = 0; i < len; i++)
          if (selected((long long)i + 1)) putchar(line[i]);
      } else if (!memchr(line, delim, len)) {
        if (only_delimited) continue;
        fwrite(line, 1, len, stdout);
      } else {
        long long field = 1;
        int printed = 0;
        size_t start = 0;
        for (size_t i = 0; i <= len; i++) {
          if (i < len && line[i] != delim) continue;
          if (selected(field)) {
            if (printed++) putchar(delim);
            fwrite(line + start, 1, i - start, stdout);
          }
          field++;
          start = i + 1;
        }
      }
      putchar('\n');
      check_stdout();
    }
    if (ferror(in)) {
      warn_path(files[f]);
      rc = 1;
    }
    close_stream(in);
  }
  return finish(rc);
}

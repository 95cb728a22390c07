/* uniq [-cdiu] [INPUT [OUTPUT]]: writes INPUT ("-" or none: standard input)
 * with each run of equal adjacent lines reduced to one.
 *   -c prefix the run length  -d only runs of 2+ lines  -u only single lines
 *   -i compare ignoring ASCII case */
#include "common.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int counts, dups, uniques, icase;

static int same(const char *a, size_t al, const char *b, size_t bl) {
  if (al != bl) return 0;
  return icase ? strncasecmp(a, b, al) == 0 : memcmp(a, b, al) == 0;
}

static void emit(FILE *out, const char *s, size_t len, long long n) {
  if ((dups && n < 2) || (uniques && n > 1)) return;
  if (counts) fprintf(out, "%7lld ", n);
  fwrite(s, 1, len, out);
  putc('\n', out);
}

int main(int argc, char **argv) {
  prog_init("uniq", "uniq [-cdiu] [INPUT [OUTPUT]]");
  int c;
  while ((c = next_opt(argc, argv, "cdiu")) != -1) {
    if (c == 'c') counts = 1;
    else if (c == 'd') dups = 1;
    else if (c == 'u') uniques = 1;
    else icase = 1;
  }
  if (argc - optind > 2) usage_error("extra operand '%s'", argv[optind + 2]);
  const char *inname = optind < argc ? argv[optind] : "-";
  const char *outname = optind + 1 < argc ? argv[optind + 1] : NULL;
  stdin_buffer();
  FILE *in = open_stream(inname);
  if (!in) {
    warn_path(inname);
    return 1;
  }
  FILE *out = stdout;
  if (outname && strcmp(outname, "-") != 0) {
    static char obuf[CHUNK];
    out = fopen(outname, "w");
    if (!out) {
      warn_path(outname);
      return 1;
    }
    setvbuf(out, obuf, _IOFBF, sizeof obuf);
  }
  char *prev = NULL, *line = NULL;
  size_t prevcap = 0, linecap = 0, prevlen = 0;
  long long run = 0;
  ssize_t n;
  while ((n = getline(&line, &linecap, in)) > 0) {
    size_t len = (size_t)n;
    if (line[len - 1] == '\n') len--;
    if (run > 0 && same(prev, prevlen, line, len)) {
      run++;
      continue;
    }
    if (run > 0) emit(out, prev, prevlen, run);
    if (out == stdout) check_stdout();
    /* The new run's line becomes prev (swap the buffers, no copy). */
    char *t = prev;
    size_t tc = prevcap;
    prev = line, prevcap = linecap, prevlen = len;
    line = t, linecap = tc;
    run = 1;
  }
  int rc = 0;
  if (ferror(in)) {
    warn_path(inname);
    rc = 1;
  }
  if (run > 0) emit(out, prev, prevlen, run);
  close_stream(in);
  if (out != stdout && (fflush(out) != 0 || ferror(out) || fclose(out) != 0)) {
    warn_path(outname);
    rc = 1;
  }
  return finish(rc);
}

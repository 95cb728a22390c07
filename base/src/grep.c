/* grep [-EFGcHhilnqsvx] [-e PATTERN]... [PATTERN] [FILE]...: prints the lines
 * of the files ("-" or none: standard input) that match a pattern: a basic
 * regular expression (default, regcomp), an extended one (-E) or a fixed
 * string (-F). A pattern with newlines is several patterns.
 *   -i ignore case  -v select non-matching lines  -n line numbers  -c counts
 *   -l names of files with a match  -q quiet  -s no messages about files
 *   -x whole-line matches  -H/-h always/never prefix file names (default: with
 *   several files).
 * Exit status: 0 a line was selected, 1 none was, 2 an error (even with
 * matches, unless -q found one). */
#define _GNU_SOURCE
#include "common.h"

#include <ctype.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

static int fixed, icase, invert, numbers, count_only, list_files, quiet, no_msgs, whole, names;
static int extended;
static char **pats;
static size_t *patlen;
static size_t npats;
static regex_t *res;
static char *lower; /* the line lowered, for -F -i */
static size_t lowercap;

static void add_patterns(const char *s) {
  for (;;) {
    const char *nl = strchr(s, '\n');
    size_t n = nl ? (size_t)(nl - s) : strlen(s);
    pats = xrealloc(pats, (npats + 1) * sizeof *pats);
    patlen = xrealloc(patlen, (npats + 1) * sizeof *patlen);
    pats[npats] = xmalloc(n + 1);
    memcpy(pats[npats], s, n);
    pats[npats][n] = 0;
    patlen[npats++] = n;
    if (!nl) break;
    s = nl + 1;
  }
}

static int matches(char *line, size_t len) {
  if (fixed) {
    const char *hay = line;
    if (icase) {
      if (len + 1 > lowercap) lower = xrealloc(lower, lowercap = len + 1);
      for (size_t i = 0; i < len; i++) lower[i] = (char)tolower((unsigned char)line[i]);
      hay = lower;
    }
    for (size_t p = 0; p < npats; p++) {
      if (whole) {
        if (patlen[p] == len && memcmp(hay, pats[p], len) == 0) return 1;
      } else if (patlen[p] == 0 || memmem(hay, len, pats[p], patlen[p])) {
        return 1;
      }
    }
    return 0;
  }
  for (size_t p = 0; p < npats; p++) {
    regmatch_t m[1];
    if (regexec(&res[p], line, whole ? 1 : 0, m, 0) == 0) {
      if (!whole || (m[0].rm_so == 0 && (size_t)m[0].rm_eo == len)) return 1;
    }
  }
  return 0;
}

/* Greps one stream; returns the number of selected lines, -1 on a read error. */
static long long grep_stream(FILE *f, const char *name) {
  static char *line;
  static size_t cap;
  long long lineno = 0, selected = 0;
  ssize_t n;
  errno = 0;
  while ((n = getline(&line, &cap, f)) > 0) {
    lineno++;
    size_t len = (size_t)n;
    if (line[len - 1] == '\n') line[--len] = 0;
    if (matches(line, len) == invert) continue;
    selected++;
    if (quiet) exit(0);
    if (list_files) break;
    if (count_only) continue;
    if (names) printf("%s:", name);
    if (numbers) printf("%lld:", lineno);
    fwrite(line, 1, len, stdout);
    putchar('\n');
    check_stdout();
  }
  if (ferror(f)) {
    if (!no_msgs) warn_path(name);
    return -1;
  }
  if (count_only) {
    if (names) printf("%s:", name);
    printf("%lld\n", selected);
  }
  if (list_files && selected) printf("%s\n", name);
  return selected;
}

int main(int argc, char **argv) {
  prog_init("grep", "grep [-EFGcHhilnqsvx] [-e PATTERN]... [PATTERN] [FILE]...");
  int c, name_opt = -1;
  while ((c = next_opt(argc, argv, "EFGcHhilnqsvxe:")) != -1) {
    switch (c) {
    case 'E': extended = 1, fixed = 0; break;
    case 'F': fixed = 1; break;
    case 'G': extended = 0, fixed = 0; break;
    case 'c': count_only = 1; break;
    case 'H': name_opt = 1; break;
    case 'h': name_opt = 0; break;
    case 'i': icase = 1; break;
    case 'l': list_files = 1; break;
    case 'n': numbers = 1; break;
    case 'q': quiet = 1; break;
    case 's': no_msgs = 1; break;
    case 'v': invert = 1; break;
    case 'x': whole = 1; break;
    case 'e': add_patterns(optarg); break;
    }
  }
  if (npats == 0) {
    if (optind >= argc) usage_error("no pattern given");
    add_patterns(argv[optind++]);
  }
  if (fixed) {
    if (icase)
      for (size_t p = 0; p < npats; p++)
        for (char *s = pats[p]; *s; s++) *s = (char)tolower((unsigned char)*s);
  } else {
    res = xmalloc(npats * sizeof *res);
    int flags = (extended ? REG_EXTENDED : 0) | (icase ? REG_ICASE : 0) | (whole ? 0 : REG_NOSUB);
    for (size_t p = 0; p < npats; p++) {
      int e = regcomp(&res[p], pats[p], flags);
      if (e != 0) {
        char msg[256];
        regerror(e, &res[p], msg, sizeof msg);
        warn_msg("%s: %s", pats[p], msg);
        return 2;
      }
    }
  }
  int nfiles = argc - optind;
  names = name_opt >= 0 ? name_opt : nfiles > 1;
  stdin_buffer();
  long long total = 0;
  int err = 0;
  if (nfiles == 0) {
    long long s = grep_stream(stdin, "(standard input)");
    if (s < 0) err = 1;
    else total += s;
  }
  for (int i = optind; i < argc; i++) {
    int is_stdin = strcmp(argv[i], "-") == 0;
    FILE *f = open_stream(argv[i]);
    if (!f) {
      if (!no_msgs) warn_path(argv[i]);
      err = 1;
      continue;
    }
    long long s = grep_stream(f, is_stdin ? "(standard input)" : argv[i]);
    close_stream(f);
    if (s < 0) err = 1;
    else total += s;
  }
  finish(0);
  if (err) return 2;
  return total > 0 ? 0 : 1;
}

/* wc [-lwc] [FILE]...: counts newlines, words (runs of non-space bytes) and
 * bytes of each file ("-" or none: standard input), and a total line for
 * several files. Default: all three. Counts are right-aligned to the width of
 * the largest; a single count of a single input is printed without padding. */
#include "common.h"

#include <string.h>
#include <unistd.h>

struct counts {
  long long lines, words, bytes;
};

static char buf[CHUNK];

static int count_fd(int fd, const char *name, struct counts *c) {
  int inword = 0;
  for (;;) {
    ssize_t r = read(fd, buf, sizeof buf);
    if (r == 0) return 0;
    if (r < 0) {
      if (errno == EINTR) continue;
      warn_path(name);
      return 1;
    }
    c->bytes += r;
    for (ssize_t i = 0; i < r; i++) {
      unsigned char ch = (unsigned char)buf[i];
      if (ch == '\n') c->lines++;
      int space = ch == ' ' || (ch >= '\t' && ch <= '\r');
      if (!space && !inword) c->words++;
      inword = !space;
    }
  }
}

static int digits(long long v) {
  int n = 1;
  while (v >= 10) v /= 10, n++;
  return n;
}

int main(int argc, char **argv) {
  prog_init("wc", "wc [-lwc] [FILE]...");
  int sl = 0, sw = 0, sc = 0, c;
  while ((c = next_opt(argc, argv, "lwc")) != -1) {
    if (c == 'l') sl = 1;
    else if (c == 'w') sw = 1;
    else sc = 1;
  }
  if (!sl && !sw && !sc) sl = sw = sc = 1;
  int nfiles = argc - optind;
  char *stdin_only[] = {"-"};
  char **files = nfiles ? argv + optind : stdin_only;
  if (!nfiles) nfiles = 1;
  struct counts *all = xmalloc(sizeof(struct counts) * (size_t)nfiles);
  char *ok = xmalloc((size_t)nfiles);
  struct counts total = {0, 0, 0};
  int rc = 0;
  for (int i = 0; i < nfiles; i++) {
    memset(&all[i], 0, sizeof all[i]);
    ok[i] = 0;
    int fd = open_input(files[i]);
    if (fd < 0) {
      warn_path(files[i]);
      rc = 1;
      continue;
    }
    if (count_fd(fd, files[i], &all[i]) != 0) rc = 1;
    else ok[i] = 1;
    close_input(fd);
    total.lines += all[i].lines;
    total.words += all[i].words;
    total.bytes += all[i].bytes;
  }
  int nfields = sl + sw + sc;
  int width = 0;
  if (nfields > 1 || nfiles > 1) {
    long long m = total.bytes > total.words ? total.bytes : total.words;
    m = m > total.lines ? m : total.lines;
    width = digits(m);
  }
  for (int i = 0; i <= nfiles; i++) {
    struct counts *k;
    const char *name;
    if (i == nfiles) {
      if (nfiles < 2) break;
      k = &total;
      name = "total";
    } else {
      if (!ok[i]) continue;
      k = &all[i];
      name = argc - optind ? files[i] : NULL;
    }
    const char *sp = "";
    if (sl) printf("%s%*lld", sp, width, k->lines), sp = " ";
    if (sw) printf("%s%*lld", sp, width, k->words), sp = " ";
    if (sc) printf("%s%*lld", sp, width, k->bytes);
    if (name) printf(" %s", name);
    putchar('\n');
  }
  return finish(rc);
}

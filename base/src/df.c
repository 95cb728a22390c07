/* df [-hkT] [FILE]...: the mounted file systems, from /proc/mounts (for FILE
 * operands only the file system holding each FILE: the mount whose root has
 * the same st_dev). Columns: Filesystem, Type, 1K-blocks, Used, Available,
 * Use%, Mounted on. WASI preview1 has no statvfs: a program cannot learn a
 * file system's size or free space, so those four columns are "-" rather than
 * made-up numbers. (-h, -k, -T are accepted; the type is always shown.) */
#include "common.h"

#include <stdlib.h>
#include <string.h>

struct mnt {
  char *source, *target, *type;
};

static int width(struct mnt *m, size_t n, size_t field, const char *header) {
  size_t w = strlen(header);
  for (size_t i = 0; i < n; i++) {
    const char *s = field == 0 ? m[i].source : m[i].type;
    if (strlen(s) > w) w = strlen(s);
  }
  return (int)w;
}

int main(int argc, char **argv) {
  prog_init("df", "df [-hkT] [FILE]...");
  while (next_opt(argc, argv, "hkT") != -1) {}
  FILE *f = fopen("/proc/mounts", "r");
  if (!f) {
    warn_path("/proc/mounts");
    return 1;
  }
  struct mnt *m = NULL;
  size_t n = 0;
  char *line = NULL;
  size_t cap = 0;
  while (getline(&line, &cap, f) > 0) {
    char *save = NULL;
    char *src = strtok_r(line, " \t\n", &save), *tgt = strtok_r(NULL, " \t\n", &save),
         *type = strtok_r(NULL, " \t\n", &save);
    if (!src || !tgt || !type) continue;
    m = xrealloc(m, (n + 1) * sizeof *m);
    m[n].source = xstrdup(src);
    m[n].target = xstrdup(tgt);
    m[n].type = xstrdup(type);
    n++;
  }
  fclose(f);
  /* Which mounts to show: all, or the one holding each operand. */
  size_t *show = xmalloc((n + (size_t)argc) * sizeof *show);
  size_t nshow = 0;
  int rc = 0;
  if (optind >= argc) {
    for (size_t i = 0; i < n; i++) show[nshow++] = i;
  }
  for (int a = optind; a < argc; a++) {
    struct stat st, ms;
    if (stat(argv[a], &st) != 0) {
      warn_path(argv[a]);
      rc = 1;
      continue;
    }
    size_t found = n;
    for (size_t i = 0; i < n; i++) /* the last matching mount is the top one */
      if (stat(m[i].target, &ms) == 0 && ms.st_dev == st.st_dev) found = i;
    if (found == n) {
      warn_msg("%s: no file system in /proc/mounts has its device", argv[a]);
      rc = 1;
      continue;
    }
    show[nshow++] = found;
  }
  int w0 = width(m, n, 0, "Filesystem"), w1 = width(m, n, 1, "Type");
  if (nshow > 0 || optind >= argc)
    printf("%-*s %-*s %9s %5s %9s %4s %s\n", w0, "Filesystem", w1, "Type", "1K-blocks", "Used", "Available", "Use%",
           "Mounted on");
  for (size_t i = 0; i < nshow; i++) {
    struct mnt *x = &m[show[i]];
    printf("%-*s %-*s %9s %5s %9s %4s %s\n", w0, x->source, w1, x->type, "-", "-", "-", "-", x->target);
  }
  return finish(rc);
}

/* ls [-1AadlF] [FILE]...: lists directories' entries (sorted by name, bytewise)
 * and files; default ".". Operands that are files come first, then each
 * directory under a "NAME:" header when there are several operands.
 *   -a all entries (also "." and ".." when the directory reports them)
 *   -A all but "." and ".."   -d directories themselves, not their entries
 *   -1 one name a line (the default unless stdout is a terminal, where names
 *      go in columns of $COLUMNS, default 80)
 *   -F mark directories "/", symlinks "@"
 *   -l long format: type and mode, links, size, modification time, name and
 *      "-> target" for symlinks. WASI preview1 has no owners and no permission
 *      bits (st_mode carries only the file type), so there is no owner/group
 *      column and the nine mode characters are "?" unless the kernel ever
 *      reports bits. Times are UTC (WASI has no time zones).
 * Exit: 0, 1 when an entry could not be examined, 2 when an operand could not. */
#include "common.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int opt_all, opt_almost, opt_dir, opt_long, opt_one, opt_classify;
static int status;
static time_t now;

struct entry {
  char *name; /* as shown */
  char *path; /* to stat/readlink */
  struct stat st;
  int ok;
};

static int by_name(const void *a, const void *b) {
  return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

static char type_char(mode_t m) {
  if (S_ISDIR(m)) return 'd';
  if (S_ISLNK(m)) return 'l';
  if (S_ISCHR(m)) return 'c';
  if (S_ISBLK(m)) return 'b';
  if (S_ISFIFO(m)) return 'p';
  if (S_ISSOCK(m)) return 's';
  if (S_ISREG(m)) return '-';
  return '?';
}

static void mode_string(mode_t m, char out[11]) {
  out[0] = type_char(m);
  if ((m & 07777) == 0) {
    memcpy(out + 1, "?????????", 9); /* WASI reports no permissions */
  } else {
    const char *rwx = "rwxrwxrwx";
    for (int i = 0; i < 9; i++) out[1 + i] = (m & (0400 >> i)) ? rwx[i] : '-';
  }
  out[10] = 0;
}

static char *link_target(const char *path) {
  size_t cap = 128;
  char *buf = NULL;
  for (;;) {
    buf = xrealloc(buf, cap);
    ssize_t n = readlink(path, buf, cap);
    if (n < 0) {
      free(buf);
      return NULL;
    }
    if ((size_t)n < cap) {
      buf[n] = 0;
      return buf;
    }
    cap *= 2;
  }
}

static int digits(unsigned long long v) {
  int n = 1;
  while (v >= 10) v /= 10, n++;
  return n;
}

static const char *suffix(const struct entry *e) {
  if (!opt_classify || !e->ok) return "";
  if (S_ISDIR(e->st.st_mode)) return "/";
  if (S_ISLNK(e->st.st_mode)) return "@";
  if (S_ISFIFO(e->st.st_mode)) return "|";
  if (S_ISSOCK(e->st.st_mode)) return "=";
  return "";
}

static void print_long(struct entry *v, size_t n) {
  int wl = 1, ws = 1;
  for (size_t i = 0; i < n; i++) {
    if (!v[i].ok) continue;
    int a = digits(v[i].st.st_nlink), b = digits((unsigned long long)v[i].st.st_size);
    if (a > wl) wl = a;
    if (b > ws) ws = b;
  }
  for (size_t i = 0; i < n; i++) {
    struct entry *e = &v[i];
    if (!e->ok) continue;
    char mode[11], when[32];
    mode_string(e->st.st_mode, mode);
    struct tm tm;
    time_t t = e->st.st_mtim.tv_sec;
    gmtime_r(&t, &tm);
    /* Recent (the last ~6 months): time of day; otherwise the year. */
    int recent = t <= now && now - t < 182 * 24 * 3600;
    strftime(when, sizeof when, recent ? "%b %e %H:%M" : "%b %e  %Y", &tm);
    printf("%s %*lu %*lld %s %s%s", mode, wl, (unsigned long)e->st.st_nlink, ws, (long long)e->st.st_size, when,
           e->name, suffix(e));
    if (S_ISLNK(e->st.st_mode)) {
      char *target = link_target(e->path);
      if (target) printf(" -> %s", target);
      else warn_path(e->path), status = status > 1 ? status : 1;
      free(target);
    }
    putchar('\n');
  }
}

static void print_columns(struct entry *v, size_t n) {
  if (n == 0) return;
  size_t width = 80;
  const char *cols = getenv("COLUMNS");
  if (cols && atoi(cols) > 0) width = (size_t)atoi(cols);
  size_t *len = xmalloc(n * sizeof *len);
  for (size_t i = 0; i < n; i++) len[i] = strlen(v[i].name) + strlen(suffix(&v[i]));
  size_t rows = 1;
  size_t *colw = xmalloc(n * sizeof *colw);
  for (rows = 1; rows < n; rows++) {
    size_t ncols = (n + rows - 1) / rows, total = 0;
    for (size_t c = 0; c < ncols; c++) {
      size_t w = 0;
      for (size_t r = 0; r < rows && c * rows + r < n; r++)
        if (len[c * rows + r] > w) w = len[c * rows + r];
      colw[c] = w + 2;
      total += colw[c];
    }
    if (total - 2 <= width) break;
  }
  size_t ncols = (n + rows - 1) / rows;
  for (size_t c = 0; c < ncols; c++) {
    size_t w = 0;
    for (size_t r = 0; r < rows && c * rows + r < n; r++)
      if (len[c * rows + r] > w) w = len[c * rows + r];
    colw[c] = w + 2;
  }
  for (size_t r = 0; r < rows; r++) {
    for (size_t c = 0; c < ncols; c++) {
      size_t i = c * rows + r;
      if (i >= n) break;
      int last = c + 1 == ncols || (c + 1) * rows + r >= n;
      printf("%s%s", v[i].name, suffix(&v[i]));
      if (!last) printf("%*s", (int)(colw[c] - len[i]), "");
    }
    putchar('\n');
  }
  free(len);
  free(colw);
}

static void print_entries(struct entry *v, size_t n) {
  if (opt_long) print_long(v, n);
  else if (opt_one) {
    for (size_t i = 0; i < n; i++) printf("%s%s\n", v[i].name, suffix(&v[i]));
  } else print_columns(v, n);
  check_stdout();
}

static void free_entries(struct entry *v, size_t n) {
  for (size_t i = 0; i < n; i++) {
    free(v[i].name);
    free(v[i].path);
  }
  free(v);
}

static void list_dir(const char *path) {
  DIR *d = opendir(path);
  if (!d) {
    warn_path(path);
    status = 2;
    return;
  }
  size_t n = 0, cap = 32;
  struct entry *v = xmalloc(cap * sizeof *v);
  struct dirent *de;
  errno = 0;
  while ((de = readdir(d)) != NULL) {
    const char *name = de->d_name;
    int dots = strcmp(name, ".") == 0 || strcmp(name, "..") == 0;
    if (name[0] == '.' && !opt_all && !(opt_almost && !dots)) {
      errno = 0;
      continue;
    }
    if (n == cap) v = xrealloc(v, (cap *= 2) * sizeof *v);
    v[n].name = xstrdup(name);
    v[n].path = path_join(path, name);
    v[n].ok = 1;
    n++;
    errno = 0;
  }
  if (errno) {
    warn_path(path);
    status = 2;
  }
  closedir(d);
  qsort(v, n, sizeof *v, by_name);
  if (opt_long || opt_classify) {
    for (size_t i = 0; i < n; i++) {
      if (lstat(v[i].path, &v[i].st) != 0) {
        warn_path(v[i].path);
        v[i].ok = 0;
        if (status < 1) status = 1;
      }
    }
  }
  print_entries(v, n);
  free_entries(v, n);
}

int main(int argc, char **argv) {
  prog_init("ls", "ls [-1AadlF] [FILE]...");
  int c;
  while ((c = next_opt(argc, argv, "1AadlF")) != -1) {
    switch (c) {
    case '1': opt_one = 1; break;
    case 'A': opt_almost = 1; break;
    case 'a': opt_all = 1; break;
    case 'd': opt_dir = 1; break;
    case 'l': opt_long = 1; break;
    case 'F': opt_classify = 1; break;
    }
  }
  if (!isatty(1)) opt_one = 1;
  now = time(NULL);
  char *dot[] = {"."};
  char **ops = optind < argc ? argv + optind : dot;
  size_t nops = optind < argc ? (size_t)(argc - optind) : 1;
  struct entry *files = xmalloc(nops * sizeof *files), *dirs = xmalloc(nops * sizeof *dirs);
  size_t nf = 0, nd = 0;
  for (size_t i = 0; i < nops; i++) {
    struct stat st;
    /* The operand itself: a symlink to a directory is listed as the
     * directory unless -l or -d asks about the link. */
    int r = (opt_long || opt_dir) ? lstat(ops[i], &st) : stat(ops[i], &st);
    if (r != 0 && !(opt_long || opt_dir)) r = lstat(ops[i], &st); /* dangling link */
    if (r != 0) {
      warn_path(ops[i]);
      status = 2;
      continue;
    }
    struct entry *e = (S_ISDIR(st.st_mode) && !opt_dir) ? &dirs[nd++] : &files[nf++];
    e->name = xstrdup(ops[i]);
    e->path = xstrdup(ops[i]);
    e->st = st;
    e->ok = 1;
  }
  qsort(files, nf, sizeof *files, by_name);
  qsort(dirs, nd, sizeof *dirs, by_name);
  print_entries(files, nf);
  int headers = nops > 1 || status != 0;
  for (size_t i = 0; i < nd; i++) {
    if (headers) printf("%s%s:\n", (nf > 0 || i > 0) ? "\n" : "", dirs[i].name);
    list_dir(dirs[i].path);
  }
  free_entries(files, nf);
  free_entries(dirs, nd);
  return finish(status);
}

/* Shared helpers for the base utilities; see common.h. */
#include "common.h"

#include <dirent.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *prog = "?";
const char *usage_text = "";

/* WASI has no working directory: wasi-libc keeps one in the program, starting at "/". The
 * shell passes its directory in $PWD; start there so relative paths mean what they say. */
static void enter_pwd(void) {
  const char *pwd = getenv("PWD");
  if (pwd != NULL && pwd[0] == '/') (void)chdir(pwd);
}

void prog_init(const char *name, const char *usage) {
  enter_pwd();
  prog = name;
  usage_text = usage;
  /* musl ignores setvbuf's size without a buffer: hand one over. */
  static char outbuf[CHUNK];
  if (!isatty(1)) setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
}

void stdin_buffer(void) {
  static char inbuf[CHUNK];
  setvbuf(stdin, inbuf, _IOFBF, sizeof inbuf);
}

FILE *open_stream(const char *path) {
  if (strcmp(path, "-") == 0) return stdin;
  static char filebuf[CHUNK]; /* one stream open at a time */
  FILE *f = fopen(path, "r");
  if (f) setvbuf(f, filebuf, _IOFBF, sizeof filebuf);
  return f;
}

void close_stream(FILE *f) {
  if (f && f != stdin) fclose(f);
}

static void vmsg(const char *fmt, va_list ap) {
  /* One buffer so the line reaches stderr (unbuffered) in one write. */
  char buf[1024];
  int n = snprintf(buf, sizeof buf, "%s: ", prog);
  if (n < 0) n = 0;
  if ((size_t)n < sizeof buf) vsnprintf(buf + n, sizeof buf - n, fmt, ap);
  size_t len = strlen(buf);
  if (len < sizeof buf - 1) buf[len++] = '\n';
  else buf[sizeof buf - 2] = '\n', len = sizeof buf - 1;
  write_all(2, buf, len);
}

void warn_msg(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vmsg(fmt, ap);
  va_end(ap);
}

void warn_path(const char *path) {
  int e = errno;
  warn_msg("%s: %s", path, strerror(e));
  errno = e;
}

static _Noreturn void usage_line(void) {
  char buf[512];
  int n = snprintf(buf, sizeof buf, "usage: %s\n", usage_text);
  if (n > (int)sizeof buf - 1) n = sizeof buf - 1;
  write_all(2, buf, n);
  fflush(stdout);
  exit(2);
}

void usage_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vmsg(fmt, ap);
  va_end(ap);
  usage_line();
}

int next_opt(int argc, char **argv, const char *optstring) {
  char spec[64];
  snprintf(spec, sizeof spec, ":%s", optstring);
  opterr = 0;
  int c = getopt(argc, argv, spec);
  if (c == '?') usage_error("invalid option -- '%c'", optopt);
  if (c == ':') usage_error("option requires an argument -- '%c'", optopt);
  return c;
}

static _Noreturn void stdout_failed(int e) {
  if (e == EPIPE) _Exit(EXIT_EPIPE);
  warn_msg("write error: %s", strerror(e));
  _Exit(1);
}

void check_stdout(void) {
  if (ferror(stdout)) stdout_failed(errno ? errno : EIO);
}

int finish(int status) {
  int e = errno; /* a failed write earlier left its errno (EPIPE, ...) and the error flag */
  if (ferror(stdout)) stdout_failed(e ? e : EIO);
  errno = 0;
  if (fflush(stdout) != 0 || ferror(stdout)) stdout_failed(errno ? errno : EIO);
  return status;
}

int write_all(int fd, const void *buf, size_t n) {
  const char *p = buf;
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

void out_write(const void *buf, size_t n) {
  if (write_all(1, buf, n) != 0) stdout_failed(errno);
}

int open_input(const char *path) {
  if (strcmp(path, "-") == 0) return 0;
  return open(path, O_RDONLY);
}

void close_input(int fd) {
  if (fd > 0) close(fd);
}

void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) {
    warn_msg("out of memory");
    exit(1);
  }
  return p;
}

void *xrealloc(void *p, size_t n) {
  p = realloc(p, n ? n : 1);
  if (!p) {
    warn_msg("out of memory");
    exit(1);
  }
  return p;
}

char *xstrdup(const char *s) {
  size_t n = strlen(s) + 1;
  return memcpy(xmalloc(n), s, n);
}

char *path_join(const char *dir, const char *name) {
  size_t dl = strlen(dir), nl = strlen(name);
  while (dl > 1 && dir[dl - 1] == '/') dl--;
  int slash = !(dl == 1 && dir[0] == '/');
  char *p = xmalloc(dl + slash + nl + 1);
  memcpy(p, dir, dl);
  if (slash) p[dl] = '/';
  memcpy(p + dl + slash, name, nl + 1);
  return p;
}

const char *base_name(const char *path) {
  static char buf[4096];
  size_t n = strlen(path);
  while (n > 1 && path[n - 1] == '/') n--;
  size_t start = n;
  while (start > 0 && path[start - 1] != '/') start--;
  if (n == 1 && path[0] == '/') start = 0;
  size_t len = n - start;
  if (len >= sizeof buf) len = sizeof buf - 1;
  memcpy(buf, path + start, len);
  buf[len] = 0;
  return buf;
}

int parse_count(const char *s, long long *out) {
  if (!*s) return -1;
  long long v = 0;
  for (; *s; s++) {
    if (*s < '0' || *s > '9') return -1;
    if (v > (0x7fffffffffffffffLL - (*s - '0')) / 10) return -1;
    v = v * 10 + (*s - '0');
  }
  *out = v;
  return 0;
}

int is_dir(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The names in directory path, except "." and ".."; NULL with errno set on
 * failure. Read completely before returning so callers may change the
 * directory while walking the list. */
char **dir_names(const char *path, size_t *count) {
  DIR *d = opendir(path);
  if (!d) return NULL;
  size_t n = 0, cap = 16;
  char **v = xmalloc(cap * sizeof *v);
  struct dirent *e;
  errno = 0;
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    if (n == cap) v = xrealloc(v, (cap *= 2) * sizeof *v);
    v[n++] = xstrdup(e->d_name);
    errno = 0;
  }
  int err = errno;
  closedir(d);
  if (err) {
    for (size_t i = 0; i < n; i++) free(v[i]);
    free(v);
    errno = err;
    return NULL;
  }
  *count = n;
  return v;
}

void free_names(char **v, size_t n) {
  for (size_t i = 0; i < n; i++) free(v[i]);
  free(v);
}

int remove_tree(const char *path, int quiet_missing) {
  struct stat st;
  if (lstat(path, &st) != 0) {
    if (errno == ENOENT && quiet_missing) return 0;
    warn_path(path);
    return 1;
  }
  if (!S_ISDIR(st.st_mode)) {
    if (unlink(path) != 0) {
      warn_path(path);
      return 1;
    }
    return 0;
  }
  int rc = 0;
  size_t n;
  char **names = dir_names(path, &n);
  if (!names) {
    warn_path(path);
    return 1;
  }
  for (size_t i = 0; i < n; i++) {
    char *child = path_join(path, names[i]);
    rc |= remove_tree(child, quiet_missing);
    free(child);
  }
  free_names(names, n);
  if (rmdir(path) != 0) {
    warn_path(path);
    rc = 1;
  }
  return rc;
}

static int copy_data(const char *src, const char *dst) {
  int in = open(src, O_RDONLY);
  if (in < 0) {
    warn_path(src);
    return 1;
  }
  int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0666);
  if (out < 0) {
    warn_path(dst);
    close(in);
    return 1;
  }
  static char buf[CHUNK];
  int rc = 0;
  for (;;) {
    ssize_t r = read(in, buf, sizeof buf);
    if (r == 0) break;
    if (r < 0) {
      if (errno == EINTR) continue;
      warn_path(src);
      rc = 1;
      break;
    }
    if (write_all(out, buf, (size_t)r) != 0) {
      warn_path(dst);
      rc = 1;
      break;
    }
  }
  close(in);
  if (close(out) != 0 && rc == 0) {
    warn_path(dst);
    rc = 1;
  }
  return rc;
}

/* True when directory dir (or one of its ancestors) is the file anc. */
static int within(const char *dir, const struct stat *anc) {
  char *p = xstrdup(dir);
  struct stat st, up;
  int found = 0;
  if (stat(p, &st) != 0) goto out;
  for (int depth = 0; depth < 4096; depth++) {
    if (st.st_dev == anc->st_dev && st.st_ino == anc->st_ino) {
      found = 1;
      break;
    }
    char *q = path_join(p, "..");
    free(p);
    p = q;
    if (stat(p, &up) != 0) break;
    if (up.st_dev == st.st_dev && up.st_ino == st.st_ino) break; /* the root */
    st = up;
  }
out:
  free(p);
  return found;
}

/* The directory that will hold dst ("." when dst has no slash). */
static char *parent_of(const char *dst) {
  char *p = xstrdup(dst);
  size_t n = strlen(p);
  while (n > 1 && p[n - 1] == '/') p[--n] = 0;
  char *slash = strrchr(p, '/');
  if (!slash) {
    free(p);
    return xstrdup(".");
  }
  if (slash == p) slash[1] = 0;
  else *slash = 0;
  return p;
}

static int copy_rec(const char *src, const char *dst, int recursive, int follow, int top) {
  struct stat st, dt;
  if ((follow ? stat(src, &st) : lstat(src, &st)) != 0) {
    warn_path(src);
    return 1;
  }
  int have_dst = stat(dst, &dt) == 0;
  if (S_ISDIR(st.st_mode)) {
    if (!recursive) {
      warn_msg("-r not specified; omitting directory '%s'", src);
      return 1;
    }
    if (top) {
      char *parent = parent_of(dst);
      int bad = have_dst ? within(dst, &st) : within(parent, &st);
      free(parent);
      if (bad) {
        warn_msg("cannot copy a directory, '%s', into itself, '%s'", src, dst);
        return 1;
      }
    }
    if (have_dst && !S_ISDIR(dt.st_mode)) {
      warn_msg("cannot overwrite non-directory '%s' with directory '%s'", dst, src);
      return 1;
    }
    if (!have_dst && mkdir(dst, 0777) != 0) {
      warn_path(dst);
      return 1;
    }
    size_t n;
    char **names = dir_names(src, &n);
    if (!names) {
      warn_path(src);
      return 1;
    }
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
      char *s = path_join(src, names[i]);
      char *d = path_join(dst, names[i]);
      rc |= copy_rec(s, d, 1, 0, 0);
      free(s);
      free(d);
    }
    free_names(names, n);
    return rc;
  }
  if (have_dst && S_ISDIR(dt.st_mode)) {
    warn_msg("cannot overwrite directory '%s' with non-directory", dst);
    return 1;
  }
  if (have_dst && dt.st_dev == st.st_dev && dt.st_ino == st.st_ino) {
    warn_msg("'%s' and '%s' are the same file", src, dst);
    return 1;
  }
  if (S_ISLNK(st.st_mode)) {
    size_t cap = 256;
    char *target = NULL;
    ssize_t len;
    for (;;) {
      target = xrealloc(target, cap);
      len = readlink(src, target, cap);
      if (len < 0 || (size_t)len < cap) break;
      cap *= 2;
    }
    if (len < 0) {
      warn_path(src);
      free(target);
      return 1;
    }
    target[len] = 0;
    struct stat lt;
    if (lstat(dst, &lt) == 0 && unlink(dst) != 0) {
      warn_path(dst);
      free(target);
      return 1;
    }
    int rc = 0;
    if (symlink(target, dst) != 0) {
      warn_path(dst);
      rc = 1;
    }
    free(target);
    return rc;
  }
  if (!S_ISREG(st.st_mode) && recursive && !top) {
    warn_msg("cannot copy special file '%s'", src);
    return 1;
  }
  return copy_data(src, dst);
}

int copy_path(const char *src, const char *dst, int recursive, int follow) {
  return copy_rec(src, dst, recursive, follow, 1);
}

/* tail [-n [+]N | -c [+]N | -N] [FILE]...: the last N lines (default 10) or
 * bytes of each file ("-" or none: standard input); "+N" starts at line/byte N.
 * Regular files are read backwards from the end (lseek), so a big file costs
 * only its tail; pipes are read through, keeping no more than the last N lines
 * (amortized: the buffer is trimmed whenever it doubles). */
#include "common.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char chunk[CHUNK];

static int copy_rest(int fd, const char *name) {
  for (;;) {
    ssize_t r = read(fd, chunk, sizeof chunk);
    if (r == 0) return 0;
    if (r < 0) {
      if (errno == EINTR) continue;
      warn_path(name);
      return 1;
    }
    fwrite(chunk, 1, (size_t)r, stdout);
    check_stdout();
  }
}

/* "+N": skip N-1 lines or bytes, then copy the rest. */
static int tail_from(int fd, const char *name, long long n, int bytes) {
  long long skip = n > 0 ? n - 1 : 0;
  while (skip > 0) {
    ssize_t r = read(fd, chunk, sizeof chunk);
    if (r == 0) return 0;
    if (r < 0) {
      if (errno == EINTR) continue;
      warn_path(name);
      return 1;
    }
    size_t i = 0;
    if (bytes) {
      i = (long long)r > skip ? (size_t)skip : (size_t)r;
      skip -= (long long)i;
    } else {
      while (i < (size_t)r && skip > 0)
        if (chunk[i++] == '\n') skip--;
    }
    fwrite(chunk + i, 1, (size_t)r - i, stdout);
  }
  return copy_rest(fd, name);
}

/* Where the last n lines of buf[0..len) start (0 when it has no more than n). */
static size_t last_lines(const char *buf, size_t len, long long n) {
  if (n == 0) return len;
  size_t i = len;
  if (i > 0 && buf[i - 1] == '\n') i--; /* the final newline ends the last line */
  while (i > 0) {
    if (buf[i - 1] == '\n' && --n == 0) return i;
    i--;
  }
  return 0;
}

/* A regular file: scan backwards from the end for the start, then copy. */
static int tail_seek(int fd, const char *name, off_t size, long long n, int bytes) {
  off_t start = 0;
  if (bytes) {
    start = size > n ? size - n : 0;
  } else if (n == 0) {
    start = size;
  } else {
    off_t end = size;
    int first = 1;
    long long want = n;
    while (end > 0) {
      off_t pos = end > (off_t)CHUNK ? end - CHUNK : 0;
      if (lseek(fd, pos, SEEK_SET) < 0) {
        warn_path(name);
        return 1;
      }
      size_t got = 0, len = (size_t)(end - pos);
      while (got < len) {
        ssize_t r = read(fd, chunk + got, len - got);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) {
          if (r < 0) warn_path(name);
          else warn_msg("%s: file shrank while reading", name);
          return 1;
        }
        got += (size_t)r;
      }
      size_t i = len;
      if (first && i > 0 && chunk[i - 1] == '\n') i--;
      first = 0;
      for (; i > 0; i--) {
        if (chunk[i - 1] == '\n' && --want == 0) break;
      }
      if (want == 0) {
        start = pos + (off_t)i;
        break;
      }
      end = pos;
    }
  }
  if (lseek(fd, start, SEEK_SET) < 0) {
    warn_path(name);
    return 1;
  }
  return copy_rest(fd, name);
}

/* A pipe or terminal: read everything, keeping the tail. */
static int tail_stream(int fd, const char *name, long long n, int bytes) {
  size_t len = 0, cap = 0, trim_at = 2 * CHUNK;
  char *buf = NULL;
  int rc = 0;
  for (;;) {
    if (cap - len < CHUNK) buf = xrealloc(buf, cap = cap ? cap * 2 : 2 * CHUNK);
    ssize_t r = read(fd, buf + len, CHUNK);
    if (r == 0) break;
    if (r < 0) {
      if (errno == EINTR) continue;
      warn_path(name);
      rc = 1;
      break;
    }
    len += (size_t)r;
    if (len >= trim_at) {
      size_t start = bytes ? (len > (size_t)n ? len - (size_t)n : 0) : last_lines(buf, len, n);
      if (start > 0) {
        memmove(buf, buf + start, len - start);
        len -= start;
      }
      trim_at = 2 * len > 2 * CHUNK ? 2 * len : 2 * CHUNK;
      if (cap > 2 * trim_at) buf = xrealloc(buf, cap = 2 * trim_at); /* give memory back */
    }
  }
  size_t start = bytes ? (len > (size_t)n ? len - (size_t)n : 0) : last_lines(buf, len, n);
  fwrite(buf + start, 1, len - start, stdout);
  free(buf);
  return rc;
}

static int tail_fd(int fd, const char *name, long long n, int bytes, int from) {
  if (from) return tail_from(fd, name, n, bytes);
  struct stat st;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && lseek(fd, 0, SEEK_CUR) >= 0)
    return tail_seek(fd, name, st.st_size, n, bytes);
  return tail_stream(fd, name, n, bytes);
}

static void parse_n(const char *s, long long *n, int *from, int bytes) {
  *from = s[0] == '+';
  if (s[0] == '+' || s[0] == '-') s++;
  if (parse_count(s, n) != 0) usage_error("invalid number of %s: '%s'", bytes ? "bytes" : "lines", s);
}

int main(int argc, char **argv) {
  prog_init("tail", "tail [-qv] [-n [+]N | -c [+]N | -N] [FILE]...");
  long long n = 10;
  int bytes = 0, from = 0, headers = -1, c;
  if (argc > 1 && argv[1][0] == '-' && argv[1][1] >= '0' && argv[1][1] <= '9') {
    parse_n(argv[1] + 1, &n, &from, 0);
    optind = 2;
  }
  while ((c = next_opt(argc, argv, "n:c:qv")) != -1) {
    if (c == 'n' || c == 'c') {
      bytes = c == 'c';
      parse_n(optarg, &n, &from, bytes);
    } else if (c == 'q') {
      headers = 0;
    } else if (c == 'v') {
      headers = 1;
    }
  }
  int nfiles = argc - optind;
  if (headers < 0) headers = nfiles > 1;
  if (nfiles == 0) {
    if (headers) printf("==> standard input <==\n");
    int rc = tail_fd(0, "-", n, bytes, from);
    return finish(rc);
  }
  int rc = 0;
  for (int i = optind; i < argc; i++) {
    int fd = open_input(argv[i]);
    if (fd < 0) {
      warn_path(argv[i]);
      rc = 1;
      continue;
    }
    if (headers)
      printf("%s==> %s <==\n", i > optind ? "\n" : "", strcmp(argv[i], "-") ? argv[i] : "standard input");
    rc |= tail_fd(fd, argv[i], n, bytes, from);
    close_input(fd);
  }
  return finish(rc);
}

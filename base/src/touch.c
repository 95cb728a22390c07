/* touch [-acm] [-r REF | -d @SECONDS | -t [[CC]YY]MMDDhhmm[.ss]] FILE...:
 * sets the access and modification times of each FILE (utimensat: to now,
 * or to REF's times, or to the given time; -a/-m: only that one), creating
 * missing files empty unless -c. Times are UTC (WASI has no time zones). */
#include "common.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int two(const char *s) {
  if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9') return -1;
  return (s[0] - '0') * 10 + (s[1] - '0');
}

/* POSIX touch -t: [[CC]YY]MMDDhhmm[.ss]. */
static int parse_stamp(const char *s, time_t *out) {
  const char *dot = strchr(s, '.');
  size_t n = dot ? (size_t)(dot - s) : strlen(s);
  if (n != 8 && n != 10 && n != 12) return -1;
  struct tm tm = {0};
  int year;
  time_t now = time(NULL);
  struct tm cur;
  gmtime_r(&now, &cur);
  if (n == 12) {
    int cc = two(s), yy = two(s + 2);
    if (cc < 0 || yy < 0) return -1;
    year = cc * 100 + yy;
    s += 4;
  } else if (n == 10) {
    int yy = two(s);
    if (yy < 0) return -1;
    year = yy < 69 ? 2000 + yy : 1900 + yy;
    s += 2;
  } else {
    year = cur.tm_year + 1900;
  }
  int mo = two(s), d = two(s + 2), h = two(s + 4), mi = two(s + 6), sec = 0;
  if (dot) {
    if (strlen(dot + 1) != 2 || (sec = two(dot + 1)) < 0) return -1;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec > 60) return -1;
  tm.tm_year = year - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  *out = timegm(&tm);
  return 0;
}

/* utimensat with explicit times only. Debian's wasi-libc (git 2022-05-10)
 * mishandles the other forms: times == NULL is read as the timestamps at
 * address 0 (the file gets 1970), and UTIME_NOW / UTIME_OMIT answer EINVAL.
 * So "now" is read from the realtime clock and "omit" from the file. */
static int set_times(const char *path, const struct timespec want[2]) {
  struct timespec ts[2] = {want[0], want[1]}, now;
  struct stat st;
  if ((ts[0].tv_nsec == UTIME_OMIT || ts[1].tv_nsec == UTIME_OMIT) && stat(path, &st) != 0) return -1;
  clock_gettime(CLOCK_REALTIME, &now);
  for (int i = 0; i < 2; i++) {
    if (ts[i].tv_nsec == UTIME_NOW) ts[i] = now;
    else if (ts[i].tv_nsec == UTIME_OMIT) ts[i] = i == 0 ? st.st_atim : st.st_mtim;
  }
  return utimensat(AT_FDCWD, path, ts, 0);
}

int main(int argc, char **argv) {
  prog_init("touch", "touch [-acm] [-r REF | -d @SECONDS | -t [[CC]YY]MMDDhhmm[.ss]] FILE...");
  int only_a = 0, only_m = 0, no_create = 0, c;
  const char *ref = NULL, *dstr = NULL, *stamp = NULL;
  while ((c = next_opt(argc, argv, "acmr:d:t:f")) != -1) {
    switch (c) {
    case 'a': only_a = 1; break;
    case 'c': no_create = 1; break;
    case 'm': only_m = 1; break;
    case 'r': ref = optarg; break;
    case 'd': dstr = optarg; break;
    case 't': stamp = optarg; break;
    }
  }
  if ((ref != NULL) + (dstr != NULL) + (stamp != NULL) > 1) usage_error("cannot specify times from more than one source");
  if (optind >= argc) usage_error("missing file operand");
  struct timespec ts[2] = {{0, UTIME_NOW}, {0, UTIME_NOW}};
  if (ref) {
    struct stat st;
    if (stat(ref, &st) != 0) {
      warn_path(ref);
      return 1;
    }
    ts[0] = st.st_atim;
    ts[1] = st.st_mtim;
  } else if (dstr || stamp) {
    time_t t;
    char *end;
    if (dstr) {
      errno = 0;
      long long v = dstr[0] == '@' ? strtoll(dstr + 1, &end, 10) : 0;
      if (dstr[0] != '@' || end == dstr + 1 || *end || errno) usage_error("invalid date '%s' (only @SECONDS is understood)", dstr);
      t = (time_t)v;
    } else if (parse_stamp(stamp, &t) != 0) {
      usage_error("invalid date format '%s'", stamp);
    }
    ts[0].tv_sec = ts[1].tv_sec = t;
    ts[0].tv_nsec = ts[1].tv_nsec = 0;
  }
  if (only_a && !only_m) ts[1].tv_nsec = UTIME_OMIT;
  if (only_m && !only_a) ts[0].tv_nsec = UTIME_OMIT;
  int rc = 0;
  for (int i = optind; i < argc; i++) {
    const char *path = argv[i];
    if (set_times(path, ts) == 0) continue;
    if (errno != ENOENT) {
      warn_path(path);
      rc = 1;
      continue;
    }
    if (no_create) continue;
    int fd = open(path, O_WRONLY | O_CREAT, 0666);
    if (fd < 0) {
      warn_path(path);
      rc = 1;
      continue;
    }
    close(fd);
    /* New files get the requested times too (now needs no call: creation set it). */
    if ((ref || dstr || stamp || only_a || only_m) && set_times(path, ts) != 0) {
      warn_path(path);
      rc = 1;
    }
  }
  return rc;
}

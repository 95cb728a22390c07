/* fd_readdir over a big directory through a tiny buffer: `readdir_big N`
 * (default 100000) makes N entries (symlinks, the cheapest entry), then reads
 * the directory through a 64-byte buffer, one whole entry a call (names are 29
 * bytes: 24 + 29 > 32, two never fit), each call resuming from the cookie of
 * the last whole entry, as wasi-libc's readdir does. Checks that no entry is
 * missing or repeated, that a call costs about what a call that does nothing
 * much costs (fd_fdstat_get, timed after each: a cookie must not cost a scan
 * from the start; the wall time, about 0.2-0.3 s per 10,000 entries on a quiet
 * machine, is the bench's row 11 and goes to stderr if too slow), that a
 * cookie from the middle resumes at the same entry again and that cookie 0
 * starts over. Then removes everything. Works in /sandbox/big. */
#include "common.h"

#define MAX_ENTRIES 200000
#define NAME_LEN 29

static uint8_t seen[MAX_ENTRIES];
static uint8_t buf[64];
static char path[64];

/* "big/entry-with-a-long-name-NNNNNN" (the name is path + 4). */
static const char *entry_path(unsigned k) {
  snprintf(path, sizeof path, "big/entry-with-a-long-name-%06u", k);
  return path;
}

static uint64_t now(void) {
  __wasi_timestamp_t t = 0;
  __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t);
  return t;
}

static unsigned n, entries, other, repeated, several;
static __wasi_dircookie_t middle;
static char middle_next[64];

/* Counts one listed name (during the full pass). */
static void note(const char *name, __wasi_dircookie_t next) {
  if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) return;
  if (strlen(name) != NAME_LEN || strncmp(name, "entry-with-a-long-name-", 23) != 0) {
    other++;
    return;
  }
  unsigned k = (unsigned)strtoul(name + 23, NULL, 10);
  if (k >= n) other++;
  else if (seen[k]++) repeated++;
  entries++;
  if (entries == n / 2) middle = next;
  if (entries == n / 2 + 1) strcpy(middle_next, name);
}

/* One fd_readdir call: *count whole entries in buf, *last the cookie after the
 * last of them, *first the name of the first; each is noted if counting. */
static __wasi_errno_t read_one(__wasi_fd_t dir, __wasi_dircookie_t cookie, __wasi_size_t *used, unsigned *count,
                               __wasi_dircookie_t *last, char *first, int counting) {
  __wasi_errno_t e = __wasi_fd_readdir(dir, buf, sizeof buf, cookie, used);
  *count = 0;
  if (e) return e;
  unsigned long_names = 0;
  for (__wasi_size_t at = 0; at + sizeof(__wasi_dirent_t) <= *used;) {
    __wasi_dirent_t d;
    char name[64];
    memcpy(&d, buf + at, sizeof d);
    if (at + sizeof d + d.d_namlen > *used || d.d_namlen >= sizeof name) break;
    memcpy(name, buf + at + sizeof d, d.d_namlen);
    name[d.d_namlen] = 0;
    if (*count == 0) strcpy(first, name);
    if (counting) note(name, d.d_next);
    long_names += d.d_namlen == NAME_LEN;
    *last = d.d_next;
    at += sizeof d + d.d_namlen;
    ++*count;
  }
  if (counting && long_names > 1) several++;
  return 0;
}

int main(int argc, char **argv) {
  wv_init();
  n = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 100000;
  if (n > MAX_ENTRIES) n = MAX_ENTRIES;
  __wasi_fd_t root = find_preopen("/sandbox");
  check("path_create_directory big", __wasi_path_create_directory(root, "big"));
  __wasi_errno_t e = 0;
  unsigned made = 0;
  for (unsigned k = 0; k < n && e == 0; k++) {
    e = __wasi_path_symlink("t", root, entry_path(k));
    if (e == 0) made++;
  }
  printf("made %u entries: %s\n", n, made == n ? "ok" : "failed");
  __wasi_fd_t dir = 0;
  check("path_open big", open_at(root, 0, "big", __WASI_OFLAGS_DIRECTORY, READ_RIGHTS, 0, 0, &dir));

  /* Each fd_readdir call is timed, and so is an fd_fdstat_get call after it (the cost of a
   * crossing and little else): a cookie that costs a scan of the directory makes the first many
   * times the second, however busy the machine, which slows both alike. */
  uint64_t readdir_ns = 0, fdstat_ns = 0;
  __wasi_dircookie_t cookie = 0;
  unsigned calls = 0;
  char name[64];
  __wasi_fdstat_t fdstat;
  for (;;) {
    __wasi_size_t used = 0;
    unsigned count = 0;
    __wasi_dircookie_t last = cookie;
    uint64_t t0 = now();
    e = read_one(dir, cookie, &used, &count, &last, name, 1);
    uint64_t t1 = now();
    __wasi_fd_fdstat_get(dir, &fdstat);
    uint64_t t2 = now();
    readdir_ns += t1 - t0;
    fdstat_ns += t2 - t1;
    if (e) break;
    calls++;
    if (used < sizeof buf) break; /* the end of the directory */
    if (count == 0) {
      printf("an entry does not fit in 64 bytes\n");
      break;
    }
    cookie = last;
  }
  check("fd_readdir through 64 bytes", e);
  unsigned missing = 0;
  for (unsigned k = 0; k < n; k++) missing += !seen[k];
  printf("entries: %u\n", entries);
  printf("missing: %u, repeated: %u, others: %u\n", missing, repeated, other);
  printf("one whole entry a call: %s\n", several == 0 && calls >= n ? "yes" : "no");
  printf("an fd_readdir call costs under 10x an fd_fdstat_get call: %s\n", readdir_ns < 10 * fdstat_ns ? "yes" : "no");
  uint64_t per10k = n ? readdir_ns * 10000 / n : 0;
  if (readdir_ns >= 10 * fdstat_ns || per10k >= 1000000000ull)
    fprintf(stderr, "fd_readdir: %llu ms per 10000 entries, fd_fdstat_get: %llu ms per 10000 calls\n",
            (unsigned long long)(per10k / 1000000), (unsigned long long)(n ? fdstat_ns * 10000 / n / 1000000 : 0));

  /* Resume from the middle again, and start over from cookie 0. */
  __wasi_size_t used = 0;
  unsigned count = 0;
  __wasi_dircookie_t last = 0;
  e = read_one(dir, middle, &used, &count, &last, name, 0);
  checks("fd_readdir from the middle cookie again", e, count >= 1 && strcmp(name, middle_next) == 0 ? "same entry" : name);
  char first[64];
  e = read_one(dir, 0, &used, &count, &last, first, 0);
  check("fd_readdir from cookie 0", e);
  e = read_one(dir, 0, &used, &count, &last, name, 0);
  checks("fd_readdir from cookie 0 again", e, strcmp(name, first) == 0 ? "same first entry" : name);
  check("fd_close big", __wasi_fd_close(dir));

  unsigned removed = 0;
  for (unsigned k = 0; k < made; k++) removed += __wasi_path_unlink_file(root, entry_path(k)) == 0;
  printf("removed %u entries: %s\n", n, removed == n ? "ok" : "failed");
  check("path_remove_directory big", __wasi_path_remove_directory(root, "big"));
  printf("done\n");
  return 0;
}

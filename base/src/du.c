/* du [-ahks] [FILE]...: the space used by each FILE (default ".") and, for a
 * directory, everything below it, written for every directory (-a: every file
 * too; -s: only the operands). WASI reports no block counts, so the space is
 * the apparent size: the sum of st_size over the tree (directories and
 * symlinks included, hard links counted once), shown in KiB rounded up (-k,
 * the default) or with -h in human units (K, M, G, ...). Symlinks are not
 * followed. */
#include "common.h"

#include <stdlib.h>
#include <string.h>

static int all, human, summarize;
static int status;

/* Hard links already counted: an open-addressing set of (dev, ino). */
static struct id {
  unsigned long long dev, ino;
  int used;
} *seen;
static size_t nseen, capseen;

static int seen_before(unsigned long long dev, unsigned long long ino) {
  if (2 * (nseen + 1) > capseen) {
    size_t ncap = capseen ? capseen * 2 : 64;
    struct id *n = xmalloc(ncap * sizeof *n);
    memset(n, 0, ncap * sizeof *n);
    for (size_t i = 0; i < capseen; i++) {
      if (!seen[i].used) continue;
      size_t h = (size_t)((seen[i].dev * 31 + seen[i].ino) * 0x9E3779B97F4A7C15ULL) & (ncap - 1);
      while (n[h].used) h = (h + 1) & (ncap - 1);
      n[h] = seen[i];
    }
    free(seen);
    seen = n;
    capseen = ncap;
  }
  size_t h = (size_t)((dev * 31 + ino) * 0x9E3779B97F4A7C15ULL) & (capseen - 1);
  while (seen[h].used) {
    if (seen[h].dev == dev && seen[h].ino == ino) return 1;
    h = (h + 1) & (capseen - 1);
  }
  seen[h].used = 1;
  seen[h].dev = dev;
  seen[h].ino = ino;
  nseen++;
  return 0;
}

static void show(unsigned long long bytes, const char *path) {
  if (!human) {
    printf("%llu\t%s\n", (bytes + 1023) / 1024, path);
  } else if (bytes < 1024) {
    printf("%llu\t%s\n", bytes, path);
  } else {
    /* Like GNU: round up; one decimal below 10. */
    const char *units = "KMGTPE";
    double v = (double)bytes / 1024;
    int u = 0;
    while (v >= 1024 && units[u + 1]) v /= 1024, u++;
    double r = v < 10 ? (double)(unsigned long long)(v * 10 + 0.999999) / 10 : (double)(unsigned long long)(v + 0.999999);
    if (r >= 1024 && units[u + 1]) r = 1, u++;
    if (r < 10) printf("%.1f%c\t%s\n", r, units[u], path);
    else printf("%.0f%c\t%s\n", r, units[u], path);
  }
  check_stdout();
}

static unsigned long long walk(const char *path, int depth) {
  struct stat st;
  if (lstat(path, &st) != 0) {
    warn_path(path);
    status = 1;
    return 0;
  }
  if (!S_ISDIR(st.st_mode) && st.st_nlink > 1 && seen_before(st.st_dev, st.st_ino)) return 0;
  unsigned long long total = (unsigned long long)st.st_size;
  if (S_ISDIR(st.st_mode)) {
    size_t n;
    char **names = dir_names(path, &n);
    if (!names) {
      warn_path(path);
      status = 1;
    } else {
      for (size_t i = 0; i < n; i++) {
        char *child = path_join(path, names[i]);
        total += walk(child, depth + 1);
        free(child);
      }
      free_names(names, n);
    }
    if (!summarize || depth == 0) show(total, path);
  } else if (depth == 0 || (all && !summarize)) {
    show(total, path);
  }
  return total;
}

int main(int argc, char **argv) {
  prog_init("du", "du [-ahks] [FILE]...");
  int c;
  while ((c = next_opt(argc, argv, "ahks")) != -1) {
    switch (c) {
    case 'a': all = 1; break;
    case 'h': human = 1; break;
    case 'k': human = 0; break;
    case 's': summarize = 1; break;
    }
  }
  if (all && summarize) usage_error("cannot both summarize and show all entries");
  if (optind >= argc) walk(".", 0);
  for (int i = optind; i < argc; i++) walk(argv[i], 0);
  return finish(status);
}

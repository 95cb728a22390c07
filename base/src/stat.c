/* stat [-L] [-c FORMAT] FILE...: shows what the kernel reports for each file
 * (lstat; -L: stat, following symlinks): name, size, type, device, inode,
 * links and the three times (UTC). WASI preview1 has no owners, permission
 * bits or block counts, so those lines are absent.
 * -c FORMAT: %n name, %N name -> target, %s size, %F type, %d device,
 * %i inode, %h links, %X %Y %Z access/modify/change as seconds since the
 * epoch, %x %y %z as dates, %% a percent sign; and \n \t escapes. */
#include "common.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *type_name(mode_t m) {
  if (S_ISREG(m)) return "regular file";
  if (S_ISDIR(m)) return "directory";
  if (S_ISLNK(m)) return "symbolic link";
  if (S_ISCHR(m)) return "character special file";
  if (S_ISBLK(m)) return "block special file";
  if (S_ISFIFO(m)) return "fifo";
  if (S_ISSOCK(m)) return "socket";
  return "unknown";
}

static void put_time(const struct timespec *t) {
  struct tm tm;
  char buf[64];
  time_t s = t->tv_sec;
  gmtime_r(&s, &tm);
  strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  printf("%s.%09ld +0000", buf, (long)t->tv_nsec);
}

static void put_name(const char *path, const struct stat *st) {
  printf("%s", path);
  if (!S_ISLNK(st->st_mode)) return;
  char buf[4096];
  ssize_t n = readlink(path, buf, sizeof buf - 1);
  if (n >= 0) {
    buf[n] = 0;
    printf(" -> %s", buf);
  }
}

static void formatted(const char *fmt, const char *path, const struct stat *st) {
  for (const char *p = fmt; *p; p++) {
    if (*p == '\\' && p[1]) {
      p++;
      putchar(*p == 'n' ? '\n' : *p == 't' ? '\t' : *p);
      continue;
    }
    if (*p != '%' || !p[1]) {
      putchar(*p);
      continue;
    }
    switch (*++p) {
    case 'n': printf("%s", path); break;
    case 'N': put_name(path, st); break;
    case 's': printf("%lld", (long long)st->st_size); break;
    case 'F': printf("%s", type_name(st->st_mode)); break;
    case 'd': printf("%llu", (unsigned long long)st->st_dev); break;
    case 'i': printf("%llu", (unsigned long long)st->st_ino); break;
    case 'h': printf("%llu", (unsigned long long)st->st_nlink); break;
    case 'X': printf("%lld", (long long)st->st_atim.tv_sec); break;
    case 'Y': printf("%lld", (long long)st->st_mtim.tv_sec); break;
    case 'Z': printf("%lld", (long long)st->st_ctim.tv_sec); break;
    case 'x': put_time(&st->st_atim); break;
    case 'y': put_time(&st->st_mtim); break;
    case 'z': put_time(&st->st_ctim); break;
    case '%': putchar('%'); break;
    default: putchar('%'); putchar(*p);
    }
  }
  putchar('\n');
}

int main(int argc, char **argv) {
  prog_init("stat", "stat [-L] [-c FORMAT] FILE...");
  int follow = 0, c;
  const char *fmt = NULL;
  while ((c = next_opt(argc, argv, "Lc:")) != -1) {
    if (c == 'L') follow = 1;
    else fmt = optarg;
  }
  if (optind >= argc) usage_error("missing operand");
  int rc = 0;
  for (int i = optind; i < argc; i++) {
    struct stat st;
    if ((follow ? stat(argv[i], &st) : lstat(argv[i], &st)) != 0) {
      warn_path(argv[i]);
      rc = 1;
      continue;
    }
    if (fmt) {
      formatted(fmt, argv[i], &st);
      continue;
    }
    printf("  File: ");
    put_name(argv[i], &st);
    printf("\n  Size: %-12lld Type: %s\n", (long long)st.st_size, type_name(st.st_mode));
    printf("Device: %-10llu Inode: %-12llu Links: %llu\n", (unsigned long long)st.st_dev,
           (unsigned long long)st.st_ino, (unsigned long long)st.st_nlink);
    printf("Access: ");
    put_time(&st.st_atim);
    printf("\nModify: ");
    put_time(&st.st_mtim);
    printf("\nChange: ");
    put_time(&st.st_ctim);
    putchar('\n');
  }
  return finish(rc);
}

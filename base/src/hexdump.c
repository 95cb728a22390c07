/* hexdump [-Cv] [-n LENGTH] [-s OFFSET] [FILE]...: shows the bytes of the
 * files (one stream, as if concatenated; none: standard input).
 * Default: offset, then eight 16-bit little-endian words in hex a line.
 * -C canonical: offset, sixteen bytes in hex, and the printable ASCII between
 *    bars. A line equal to the previous one is shown as "*" unless -v.
 * -n LENGTH: only that many bytes; -s OFFSET: skip that many first. */
#include "common.h"

#include <string.h>
#include <unistd.h>

static int canonical, verbose;
static unsigned char line[16], prev[16];
static size_t fill;
static int have_prev, starred;
static unsigned long long offset; /* of line[0] */

static void put_line(void) {
  if (fill == 16 && have_prev && !verbose && memcmp(line, prev, 16) == 0) {
    if (!starred) fputs("*\n", stdout);
    starred = 1;
  } else {
    starred = 0;
    if (canonical) {
      char buf[80], *p = buf;
      p += sprintf(p, "%08llx  ", offset);
      for (size_t i = 0; i < 16; i++) {
        if (i < fill) p += sprintf(p, "%02x ", line[i]);
        else p += sprintf(p, "   ");
        if (i == 7) *p++ = ' ';
      }
      *p++ = ' ';
      *p++ = '|';
      for (size_t i = 0; i < fill; i++) *p++ = (line[i] >= 0x20 && line[i] < 0x7f) ? (char)line[i] : '.';
      *p++ = '|';
      *p++ = '\n';
      fwrite(buf, 1, (size_t)(p - buf), stdout);
    } else {
      printf("%07llx", offset);
      for (size_t i = 0; i < fill; i += 2) printf(" %04x", line[i] | (i + 1 < fill ? line[i + 1] << 8 : 0));
      putchar('\n');
    }
    check_stdout();
  }
  memcpy(prev, line, 16);
  have_prev = fill == 16;
  offset += fill;
  fill = 0;
}

static unsigned char buf[CHUNK];

int main(int argc, char **argv) {
  prog_init("hexdump", "hexdump [-Cv] [-n LENGTH] [-s OFFSET] [FILE]...");
  long long length = -1, skip = 0;
  int c;
  while ((c = next_opt(argc, argv, "Cvn:s:")) != -1) {
    switch (c) {
    case 'C': canonical = 1; break;
    case 'v': verbose = 1; break;
    case 'n':
      if (parse_count(optarg, &length) != 0) usage_error("invalid length '%s'", optarg);
      break;
    case 's':
      if (parse_count(optarg, &skip) != 0) usage_error("invalid offset '%s'", optarg);
      break;
    }
  }
  char *stdin_only[] = {"-"};
  char **files = optind < argc ? argv + optind : stdin_only;
  int nfiles = optind < argc ? argc - optind : 1;
  int rc = 0;
  offset = (unsigned long long)skip;
  for (int f = 0; f < nfiles && length != 0; f++) {
    int fd = open_input(files[f]);
    if (fd < 0) {
      warn_path(files[f]);
      rc = 1;
      continue;
    }
    /* Skip: seek past whole regular files' worth where possible, else read. */
    if (skip > 0) {
      struct stat st;
      if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        long long here = skip < st.st_size ? skip : st.st_size;
        if (lseek(fd, here, SEEK_SET) >= 0) skip -= here;
      }
    }
    for (;;) {
      ssize_t r = read(fd, buf, sizeof buf);
      if (r == 0) break;
      if (r < 0) {
        if (errno == EINTR) continue;
        warn_path(files[f]);
        rc = 1;
        break;
      }
      size_t i = 0;
      if (skip > 0) {
        i = (long long)r < skip ? (size_t)r : (size_t)skip;
        skip -= (long long)i;
      }
      for (; i < (size_t)r && length != 0; i++) {
        line[fill++] = buf[i];
        if (length > 0) length--;
        if (fill == 16) put_line();
      }
      if (length == 0) break;
    }
    close_input(fd);
  }
  if (fill) put_line();
  if (offset > 0 || have_prev) printf(canonical ? "%08llx\n" : "%07llx\n", offset);
  return finish(rc);
}

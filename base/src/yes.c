/* yes [STRING]...: writes the strings (or "y") and a newline forever.
 * It ends when standard output fails: on EPIPE (the reader went away; WASI has
 * no SIGPIPE) quietly with status 141 = 128 + SIGPIPE, as a shell on Linux
 * reports a writer killed by SIGPIPE; on any other error with a message and 1. */
#include "common.h"

#include <string.h>

int main(int argc, char **argv) {
  prog_init("yes", "yes [STRING]...");
  int i = 1;
  if (i < argc && strcmp(argv[i], "--") == 0) i++;
  else if (i < argc && argv[i][0] == '-' && argv[i][1]) usage_error("invalid option -- '%c'", argv[i][1]);
  /* The line, repeated to fill a buffer so each write carries many lines. */
  size_t len = 0;
  for (int j = i; j < argc; j++) len += strlen(argv[j]) + 1;
  if (i >= argc) len = 2;
  char *line = xmalloc(len + 1);
  if (i >= argc) {
    strcpy(line, "y\n");
  } else {
    char *p = line;
    for (int j = i; j < argc; j++) {
      size_t n = strlen(argv[j]);
      memcpy(p, argv[j], n);
      p += n;
      *p++ = j + 1 < argc ? ' ' : '\n';
    }
  }
  size_t reps = len >= CHUNK ? 1 : CHUNK / len;
  char *buf = xmalloc(reps * len);
  for (size_t r = 0; r < reps; r++) memcpy(buf + r * len, line, len);
  for (;;) out_write(buf, reps * len);
}

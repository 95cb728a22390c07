/* echo [-neE] [STRING]...: writes the strings separated by spaces and a newline.
 * -n: no newline; -e: interpret \\ \a \b \c \e \f \n \r \t \v \0NNN \xHH; -E: don't (default).
 * As POSIX and GNU echo do, an argument that is not made only of these option
 * letters (e.g. "-x", "-", "--") is printed as text, so echo never fails on a bad
 * option; it fails (exit 1) only when standard output does. */
#include "common.h"

#include <string.h>

static int hexval(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Writes s with escapes interpreted; returns 1 when \c asked to stop. */
static int put_escaped(const char *s) {
  for (; *s; s++) {
    if (*s != '\\' || !s[1]) {
      putchar(*s);
      continue;
    }
    int c = *++s;
    switch (c) {
    case '\\': putchar('\\'); break;
    case 'a': putchar('\a'); break;
    case 'b': putchar('\b'); break;
    case 'c': return 1;
    case 'e': putchar(033); break;
    case 'f': putchar('\f'); break;
    case 'n': putchar('\n'); break;
    case 'r': putchar('\r'); break;
    case 't': putchar('\t'); break;
    case 'v': putchar('\v'); break;
    case '0': {
      int v = 0;
      for (int i = 0; i < 3 && s[1] >= '0' && s[1] <= '7'; i++) v = v * 8 + (*++s - '0');
      putchar(v);
      break;
    }
    case 'x': {
      if (hexval(s[1]) < 0) {
        fputs("\\x", stdout);
        break;
      }
      int v = 0;
      for (int i = 0; i < 2 && hexval(s[1]) >= 0; i++) v = v * 16 + hexval(*++s);
      putchar(v);
      break;
    }
    default:
      putchar('\\');
      putchar(c);
    }
  }
  return 0;
}

int main(int argc, char **argv) {
  prog_init("echo", "echo [-neE] [STRING]...");
  int newline = 1, escapes = 0, i = 1;
  for (; i < argc; i++) {
    const char *a = argv[i];
    if (a[0] != '-' || !a[1] || strspn(a + 1, "neE") != strlen(a + 1)) break;
    for (a++; *a; a++) {
      if (*a == 'n') newline = 0;
      else if (*a == 'e') escapes = 1;
      else escapes = 0;
    }
  }
  for (int first = 1; i < argc; i++, first = 0) {
    if (!first) putchar(' ');
    if (escapes) {
      if (put_escaped(argv[i])) return finish(0);
    } else {
      fputs(argv[i], stdout);
    }
  }
  if (newline) putchar('\n');
  return finish(0);
}

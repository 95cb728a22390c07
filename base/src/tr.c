/* tr [-cds] SET1 [SET2]: copies standard input to standard output,
 * translating the bytes of SET1 into the bytes of SET2 at the same position
 * (SET2's last byte repeats when it is shorter), deleting those of SET1 (-d),
 * and squeezing runs of a repeated byte of the last set given into one (-s).
 * -c: SET1 is every byte not in it. Sets: bytes, escapes (\\ \n \t \r \a \b \f
 * \v \NNN octal), ranges a-z, classes [:alpha:] [:digit:] [:lower:] [:upper:]
 * [:space:] [:blank:] [:alnum:] [:punct:] [:cntrl:] [:print:] [:graph:]
 * [:xdigit:]. Bytes, not characters: WASI programs run in the C locale. */
#include "common.h"

#include <ctype.h>
#include <string.h>
#include <unistd.h>

struct set {
  unsigned char *v;
  size_t n, cap;
};

static void push(struct set *s, int c) {
  if (s->n == s->cap) s->v = xrealloc(s->v, s->cap = s->cap ? s->cap * 2 : 64);
  s->v[s->n++] = (unsigned char)c;
}

/* One possibly escaped byte at *p; advances *p. */
static int one(const char **p) {
  const char *s = *p;
  if (*s != '\\' || !s[1]) {
    *p = s + 1;
    return (unsigned char)*s;
  }
  s++;
  int c;
  if (*s >= '0' && *s <= '7') {
    c = 0;
    for (int i = 0; i < 3 && *s >= '0' && *s <= '7'; i++) c = c * 8 + (*s++ - '0');
    *p = s;
    return c & 0xff;
  }
  switch (*s) {
  case 'n': c = '\n'; break;
  case 't': c = '\t'; break;
  case 'r': c = '\r'; break;
  case 'a': c = '\a'; break;
  case 'b': c = '\b'; break;
  case 'f': c = '\f'; break;
  case 'v': c = '\v'; break;
  default: c = (unsigned char)*s; /* \\ and any other byte: itself */
  }
  *p = s + 1;
  return c;
}

static const struct {
  const char *name;
  int (*is)(int);
} classes[] = {
    {"alpha", isalpha}, {"digit", isdigit}, {"lower", islower}, {"upper", isupper},
    {"space", isspace}, {"blank", isblank}, {"alnum", isalnum}, {"punct", ispunct},
    {"cntrl", iscntrl}, {"print", isprint}, {"graph", isgraph}, {"xdigit", isxdigit},
};

static void expand(const char *spec, struct set *s) {
  const char *p = spec;
  while (*p) {
    if (p[0] == '[' && p[1] == ':') {
      const char *end = strstr(p + 2, ":]");
      size_t k, nlen = end ? (size_t)(end - p - 2) : 0;
      for (k = 0; end && k < sizeof classes / sizeof classes[0]; k++)
        if (strlen(classes[k].name) == nlen && strncmp(classes[k].name, p + 2, nlen) == 0) break;
      if (end && k < sizeof classes / sizeof classes[0]) {
        for (int c = 0; c < 256; c++)
          if (classes[k].is(c)) push(s, c);
        p = end + 2;
        continue;
      }
      if (end) usage_error("invalid character class '%.*s'", (int)nlen, p + 2);
    }
    int lo = one(&p);
    if (p[0] == '-' && p[1]) {
      p++;
      int hi = one(&p);
      if (hi < lo) usage_error("range-endpoints of '%c-%c' are in reverse collating sequence order", lo, hi);
      for (int c = lo; c <= hi; c++) push(s, c);
    } else {
      push(s, lo);
    }
  }
}

static unsigned char inbuf[CHUNK], outbuf[CHUNK];

int main(int argc, char **argv) {
  prog_init("tr", "tr [-cds] SET1 [SET2]");
  int complement = 0, del = 0, squeeze = 0, c;
  while ((c = next_opt(argc, argv, "cCds")) != -1) {
    if (c == 'c' || c == 'C') complement = 1;
    else if (c == 'd') del = 1;
    else squeeze = 1;
  }
  int nsets = argc - optind;
  int want = del && squeeze ? 2 : del ? 1 : squeeze ? (nsets == 2 ? 2 : 1) : 2;
  if (nsets < want) usage_error(nsets ? "missing operand after '%s'" : "missing operand%s", nsets ? argv[argc - 1] : "");
  if (nsets > want) usage_error("extra operand '%s'", argv[optind + want]);
  struct set s1 = {0}, s2 = {0};
  expand(argv[optind], &s1);
  if (nsets == 2) expand(argv[optind + 1], &s2);
  if (complement) {
    unsigned char in[256] = {0};
    for (size_t i = 0; i < s1.n; i++) in[s1.v[i]] = 1;
    s1.n = 0;
    for (int b = 0; b < 256; b++)
      if (!in[b]) push(&s1, b);
  }
  int translate = !del && nsets == 2;
  if (translate && s2.n == 0) usage_error("when not truncating set1, string2 must be non-empty");
  int map[256];
  unsigned char in1[256] = {0}, sq[256] = {0};
  for (int b = 0; b < 256; b++) map[b] = b;
  for (size_t i = 0; i < s1.n; i++) {
    in1[s1.v[i]] = 1;
    if (translate) map[s1.v[i]] = s2.v[i < s2.n ? i : s2.n - 1];
  }
  if (squeeze) {
    struct set *last = nsets == 2 ? &s2 : &s1;
    for (size_t i = 0; i < last->n; i++) sq[last->v[i]] = 1;
  }
  int prev = -1;
  for (;;) {
    ssize_t r = read(0, inbuf, sizeof inbuf);
    if (r == 0) break;
    if (r < 0) {
      if (errno == EINTR) continue;
      warn_path("standard input");
      return 1;
    }
    size_t o = 0;
    for (ssize_t i = 0; i < r; i++) {
      int b = inbuf[i];
      if (del && in1[b]) continue;
      b = map[b];
      if (squeeze && sq[b] && b == prev) continue;
      outbuf[o++] = (unsigned char)b;
      prev = b;
    }
    out_write(outbuf, o);
  }
  return 0;
}

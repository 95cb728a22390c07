/* hello: prints "hello world". */
#include "common.h"

int main(int argc, char **argv) {
  prog_init("hello", "hello");
  if (argc > 1) usage_error("extra operand '%s'", argv[1]);
  fputs("hello world\n", stdout);
  return finish(0);
}

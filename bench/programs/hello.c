// hello.wasm: prints "hello world" and returns; timed from outside (start to exit).
#include "bench.h"

void _start(void) {
  write_all(1, "hello world\n", 12);
}

/* args_sizes_get, args_get, environ_sizes_get, environ_get: success paths
 * (including empty, spaced and non-ASCII arguments and values containing '=')
 * and EFAULT on out-of-range pointers.
 *
 * Prints argv[1..] (argv[0] is the runner's choice: only "nonempty" is
 * printed) and the environment variables whose names start with "WV_",
 * sorted by name. */
#include "common.h"

static uint8_t *argv_ptrs[64];
static char argv_buf[4096];
static uint8_t *env_ptrs[64];
static char env_buf[4096];

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int main(void) {
  wv_init();
  __wasi_size_t argc = 0, argv_size = 0;
  __wasi_errno_t e = __wasi_args_sizes_get(&argc, &argv_size);
  check("args_sizes_get", e);
  if (e || argc > 64 || argv_size > sizeof argv_buf) return 1;
  printf("argc: %u\n", (unsigned)argc);
  e = __wasi_args_get(argv_ptrs, (uint8_t *)argv_buf);
  check("args_get", e);
  if (e) return 1;
  /* The strings are NUL-terminated, packed, and add up to argv_size. */
  size_t total = 0;
  for (__wasi_size_t i = 0; i < argc; i++) total += strlen((char *)argv_ptrs[i]) + 1;
  printf("args sizes consistent: %s\n", yesno(total == argv_size && (char *)argv_ptrs[0] == argv_buf));
  printf("argv0 nonempty: %s\n", yesno(argc > 0 && argv_ptrs[0][0] != 0));
  for (__wasi_size_t i = 1; i < argc; i++) printf("arg %u: [%s]\n", (unsigned)i, (char *)argv_ptrs[i]);

  __wasi_size_t envc = 0, env_size = 0;
  e = __wasi_environ_sizes_get(&envc, &env_size);
  check("environ_sizes_get", e);
  if (e || envc > 64 || env_size > sizeof env_buf) return 1;
  e = __wasi_environ_get(env_ptrs, (uint8_t *)env_buf);
  check("environ_get", e);
  if (e) return 1;
  total = 0;
  for (__wasi_size_t i = 0; i < envc; i++) total += strlen((char *)env_ptrs[i]) + 1;
  printf("environ sizes consistent: %s\n", yesno(total == env_size));
  const char *mine[64];
  size_t n = 0;
  for (__wasi_size_t i = 0; i < envc; i++)
    if (strncmp((char *)env_ptrs[i], "WV_", 3) == 0) mine[n++] = (char *)env_ptrs[i];
  qsort(mine, n, sizeof mine[0], cmp_str);
  printf("WV_ variables: %zu\n", n);
  for (size_t i = 0; i < n; i++) printf("env: [%s]\n", mine[i]);
  /* libc saw the same environment. */
  const char *a = getenv("WV_A");
  printf("getenv WV_A: %s\n", a ? a : "(null)");
  printf("getenv WV_MISSING: %s\n", getenv("WV_MISSING") ? "set" : "(null)");

  /* Out-of-range pointers: EFAULT (21), nothing written. */
  check("args_sizes_get bad argc ptr", __wasi_args_sizes_get(BAD_PTR, &argv_size));
  check("args_sizes_get bad size ptr", __wasi_args_sizes_get(&argc, BAD_PTR));
  check("args_get bad argv ptr", __wasi_args_get(BAD_PTR, (uint8_t *)argv_buf));
  check("args_get bad buf ptr", __wasi_args_get(argv_ptrs, BAD_PTR));
  check("environ_sizes_get bad ptr", __wasi_environ_sizes_get(BAD_PTR, &env_size));
  check("environ_get bad environ ptr", __wasi_environ_get(BAD_PTR, (uint8_t *)env_buf));
  check("environ_get bad buf ptr", __wasi_environ_get(env_ptrs, BAD_PTR));
  printf("done\n");
  return 0;
}

/* env [-i] [-u NAME]... [NAME=VALUE]...: prints the environment, one NAME=VALUE
 * a line, after removing (-u), clearing (-i) and adding variables.
 * `env NAME=VALUE COMMAND` cannot run COMMAND: that needs exec, which WASI
 * preview1 does not have, so a command operand is an error (exit 126). */
#include "common.h"

#include <stdlib.h>
#include <string.h>

extern char **environ;

int main(int argc, char **argv) {
  prog_init("env", "env [-i] [-u NAME]... [NAME=VALUE]...  (prints only: running a COMMAND needs exec, which WASI lacks)");
  int c;
  while ((c = next_opt(argc, argv, "iu:")) != -1) {
    if (c == 'i') {
      environ = NULL;
      clearenv();
    } else if (c == 'u') {
      if (!*optarg || strchr(optarg, '=')) usage_error("cannot unset '%s': Invalid argument", optarg);
      unsetenv(optarg);
    }
  }
  for (; optind < argc; optind++) {
    char *eq = strchr(argv[optind], '=');
    if (!eq || eq == argv[optind]) {
      warn_msg("cannot run '%s': running a program needs exec, which WASI preview1 does not have", argv[optind]);
      fflush(stdout);
      return 126;
    }
    *eq = 0;
    if (setenv(argv[optind], eq + 1, 1) != 0) {
      warn_msg("cannot set '%s': %s", argv[optind], strerror(errno));
      return 125;
    }
  }
  for (char **e = environ; e && *e; e++) puts(*e);
  return finish(0);
}

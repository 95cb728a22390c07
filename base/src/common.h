/* Shared helpers for the base utilities (base/src/NAME.c).
 *
 * Conventions every utility follows:
 *   - errors go to stderr as "PROG: PATH: strerror(errno)" (or "PROG: message");
 *   - a bad option or a wrong number of operands prints "PROG: reason" and a
 *     one-line "usage: ..." to stderr and exits 2 (grep also uses 2 for errors);
 *   - other failures (a missing file, ...) exit 1 after doing the rest of the work;
 *   - standard output goes through stdio with a 64 KiB buffer when it is not a
 *     terminal; input is read in 64 KiB chunks;
 *   - EPIPE on standard output (the reader of a pipe went away; WASI has no
 *     SIGPIPE, the kernel answers the write with EPIPE) ends the program quietly
 *     with status 141 = 128 + SIGPIPE, the status a shell sees on Linux when a
 *     writer is killed by SIGPIPE, so `set -o pipefail` behaves the same.
 */
#ifndef BASE_COMMON_H
#define BASE_COMMON_H

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h> /* getopt: optarg, optind */

#define CHUNK (64 * 1024)
#define EXIT_EPIPE 141

/* The program's name for messages (set by prog_init). */
extern const char *prog;
/* The one-line usage text (without "usage: "), set by prog_init. */
extern const char *usage_text;

/* Sets prog and usage_text; gives stdout a 64 KiB buffer unless it is a tty. */
void prog_init(const char *name, const char *usage);

/* Gives stdin a 64 KiB stdio buffer (for utilities reading it through stdio). */
void stdin_buffer(void);
/* fopen(path, "r") with a 64 KiB buffer (shared: one such stream open at a time); "-" is stdin. NULL with errno on failure. */
FILE *open_stream(const char *path);
/* fclose unless f is stdin. */
void close_stream(FILE *f);

/* getopt with our messages: a bad option or a missing option argument prints
 * "PROG: invalid option -- 'x'" and the usage line, then exits 2. optstring
 * must not start with ':' (added here). Returns -1 at the end of options. */
int next_opt(int argc, char **argv, const char *optstring);

/* Prints "PROG: MSG" and the usage line; exits 2. */
_Noreturn void usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "PROG: PATH: strerror(errno)". */
void warn_path(const char *path);
/* "PROG: formatted message". */
void warn_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Flushes stdout; on an error reports it (EPIPE: exits 141 quietly). Returns
 * status unchanged when all went well, 1 when stdout failed. Use at exit:
 * `return finish(status);` */
int finish(int status);
/* Checks stdout after a write through stdio: exits on EPIPE/error. */
void check_stdout(void);

/* Writes all n bytes to fd (handles short writes and EINTR). 0 or -1/errno. */
int write_all(int fd, const void *buf, size_t n);
/* write_all to stdout; on failure exits (141 for EPIPE, else 1 with a message). */
void out_write(const void *buf, size_t n);

/* Opens PATH for reading ("-" = stdin). -1 with errno on failure. */
int open_input(const char *path);
/* Closes what open_input returned (never stdin). */
void close_input(int fd);

/* Returns a malloc'd "dir/name" ("/name" when dir is "/"). Exits on ENOMEM. */
char *path_join(const char *dir, const char *name);
/* The last component of path, without trailing slashes (static buffer). */
const char *base_name(const char *path);
/* xmalloc/xrealloc: exit 1 with "PROG: out of memory" on failure. */
void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

/* Parses a non-negative decimal count (no sign, no junk). 0 on success. */
int parse_count(const char *s, long long *out);

/* Copies src to dst like cp: regular files by content, symlinks as symlinks
 * when !follow (always in a recursive copy below the top), directories only
 * when recursive. Reports errors; returns 0 or 1. */
int copy_path(const char *src, const char *dst, int recursive, int follow);
/* Removes path and, if it is a directory, everything below it (like rm -r).
 * Reports errors unless quiet_missing and ENOENT; returns 0 or 1. */
int remove_tree(const char *path, int quiet_missing);
/* The names in directory path except "." and ".." (unsorted, read completely
 * before returning); NULL with errno on failure. free_names releases them. */
char **dir_names(const char *path, size_t *count);
void free_names(char **names, size_t count);
/* True when path names an existing directory (following symlinks). */
int is_dir(const char *path);

#endif

/* Long names, long paths and deep trees, as Linux (and wasmtime) have them:
 *  - a name of 255 bytes works, 256 bytes is ENAMETOOLONG (37), counted in
 *    bytes of UTF-8 (127 x "é" = 254 bytes works, 128 x "é" = 256 does not);
 *  - a path argument of 4096 bytes or more is ENAMETOOLONG (PATH_MAX counts
 *    the NUL); one of 4095 bytes is fine;
 *  - a chain of 20 directories with 250-byte names (5020 bytes from the
 *    preopen, more than PATH_MAX) made one level at a time through directory
 *    fds works: a file at the bottom is written, read, listed and removed,
 *    and the chain is removed again, one level at a time.
 * Works in /sandbox, removing all it made. */
#include "common.h"

#define LEVELS 20
#define NAME_LEN 250

static char name[512];
static char path[8192];
static __wasi_fd_t fds[LEVELS + 1];

static void fill(char *out, char c, int n) {
  memset(out, c, (size_t)n);
  out[n] = 0;
}

/* n copies of "é" (2 bytes each). */
static void fill_e(char *out, int n) {
  for (int k = 0; k < n; k++) {
    out[2 * k] = (char)0xc3;
    out[2 * k + 1] = (char)0xa9;
  }
  out[2 * n] = 0;
}

int main(void) {
  wv_init();
  __wasi_fd_t root = find_preopen("/sandbox");
  __wasi_fd_t fd = 0;
  __wasi_filestat_t st;

  fill(name, 'n', 255);
  check("path_create_directory 255-byte name", __wasi_path_create_directory(root, name));
  check("path_filestat_get 255-byte name", __wasi_path_filestat_get(root, 0, name, &st));
  check("path_remove_directory 255-byte name", __wasi_path_remove_directory(root, name));
  fill(name, 'n', 256);
  check("path_create_directory 256-byte name", __wasi_path_create_directory(root, name));
  check("path_open creat 256-byte name", open_at(root, 0, name, __WASI_OFLAGS_CREAT, ALL_RIGHTS, 0, 0, &fd));
  check("path_symlink 256-byte link name", __wasi_path_symlink("target", root, name));
  check("path_filestat_get 256-byte name", __wasi_path_filestat_get(root, 0, name, &st));
  fill_e(name, 127);
  check("path_create_directory 127 x e-acute (254 bytes)", __wasi_path_create_directory(root, name));
  check("path_remove_directory 127 x e-acute", __wasi_path_remove_directory(root, name));
  fill_e(name, 128);
  check("path_create_directory 128 x e-acute (256 bytes)", __wasi_path_create_directory(root, name));

  /* Path arguments around PATH_MAX: "./" repeated, then a file name. */
  check("make pm7.txt", make_file(root, "pm7.txt", "x"));
  for (int k = 0; k < 2045; k++) memcpy(path + 2 * k, "./", 2);
  strcpy(path + 4090, "pm.txt");
  printf("path of %zu bytes\n", strlen(path));
  check("path_filestat_get 4096-byte path", __wasi_path_filestat_get(root, 0, path, &st));
  strcpy(path + 4088, "pm7.txt");
  printf("path of %zu bytes\n", strlen(path));
  check("path_filestat_get 4095-byte path", __wasi_path_filestat_get(root, 0, path, &st));
  check("path_unlink_file pm7.txt", __wasi_path_unlink_file(root, "pm7.txt"));

  /* The deep chain, one level at a time through directory fds. */
  fill(name, 'd', NAME_LEN);
  fds[0] = root;
  int made = 0;
  __wasi_errno_t e = 0;
  for (int i = 1; i <= LEVELS && e == 0; i++) {
    e = __wasi_path_create_directory(fds[i - 1], name);
    if (e == 0) e = open_at(fds[i - 1], 0, name, __WASI_OFLAGS_DIRECTORY, READ_RIGHTS, ALL_RIGHTS, 0, &fds[i]);
    if (e == 0) made = i;
  }
  printf("deep chain: %d levels, %d bytes from the preopen: %s\n", made, made * (NAME_LEN + 1),
         e == 0 ? "ok" : "failed");
  if (e) printf("deep chain level %d: errno %u\n", made + 1, (unsigned)e);
  __wasi_fd_t bottom = fds[made];
  check("make file at the bottom", make_file(bottom, "deep.txt", "deep down\n"));
  check("path_open file at the bottom", open_at(bottom, 0, "deep.txt", 0, READ_RIGHTS, 0, 0, &fd));
  char text[32];
  __wasi_size_t n = 0;
  checks("fd_read file at the bottom", read_str(fd, text, sizeof text, &n), text[0] ? "deep down" : "");
  check("fd_close", __wasi_fd_close(fd));
  e = __wasi_path_filestat_get(bottom, 0, "deep.txt", &st);
  if (e == 0) printf("path_filestat_get at the bottom: %s size %llu\n", filetype_name(st.filetype), (unsigned long long)st.size);
  else printf("path_filestat_get at the bottom: errno %u\n", (unsigned)e);
  static uint8_t dirbuf[1024];
  __wasi_size_t used = 0;
  e = __wasi_fd_readdir(bottom, dirbuf, sizeof dirbuf, 0, &used);
  int found = 0;
  for (__wasi_size_t at = 0; e == 0 && at + sizeof(__wasi_dirent_t) <= used;) {
    __wasi_dirent_t d;
    memcpy(&d, dirbuf + at, sizeof d);
    at += sizeof d;
    if (d.d_namlen == 8 && at + 8 <= used && memcmp(dirbuf + at, "deep.txt", 8) == 0) found = 1;
    at += d.d_namlen;
  }
  checks("fd_readdir at the bottom", e, found ? "deep.txt listed" : "deep.txt missing");
  /* From the preopen: the 16th level is 4016 bytes away (fits), the 17th 4267 (does not). */
  path[0] = 0;
  for (int i = 0; i < 16; i++) {
    strcat(path, name);
    strcat(path, "/");
  }
  path[strlen(path) - 1] = 0;
  check("path_filestat_get level 16 from the preopen", __wasi_path_filestat_get(root, 0, path, &st));
  strcat(path, "/");
  strcat(path, name);
  check("path_filestat_get level 17 from the preopen", __wasi_path_filestat_get(root, 0, path, &st));
  check("path_unlink_file at the bottom", __wasi_path_unlink_file(bottom, "deep.txt"));
  int removed = 0;
  for (int i = made; i >= 1; i--) {
    __wasi_fd_close(fds[i]);
    if (__wasi_path_remove_directory(fds[i - 1], name) == 0) removed++;
  }
  printf("removed %d levels\n", removed);
  printf("done\n");
  return 0;
}

/* fd_* functions on regular files and directories inside the preopen
 * /sandbox: fd_prestat_get, fd_prestat_dir_name, fd_write, fd_read, fd_seek,
 * fd_tell, fd_pread, fd_pwrite, fd_filestat_get, fd_filestat_set_size,
 * fd_filestat_set_times, fd_advise, fd_allocate, fd_datasync, fd_sync,
 * fd_fdstat_get, fd_fdstat_set_flags, fd_fdstat_set_rights, fd_readdir,
 * fd_renumber, fd_close (and path_open, path_create_directory,
 * path_symlink, path_unlink_file, path_remove_directory to set up and clean
 * up). Works in /sandbox/fdops, which it creates and removes. */
#include "common.h"

static __wasi_fd_t root;

static __wasi_fd_t must_open(const char *path, __wasi_oflags_t oflags, __wasi_rights_t rights,
                             __wasi_fdflags_t fdflags) {
  __wasi_fd_t fd = 0;
  __wasi_errno_t e = open_at(root, 0, path, oflags, rights, ALL_RIGHTS, fdflags, &fd);
  if (e) {
    printf("open %s: errno %u\n", path, (unsigned)e);
    fflush(stdout);
    exit(1);
  }
  return fd;
}

static unsigned long long file_size(__wasi_fd_t fd) {
  __wasi_filestat_t st;
  if (__wasi_fd_filestat_get(fd, &st) != 0) return (unsigned long long)-1;
  return st.size;
}

static void prestat_checks(void) {
  root = find_preopen("/sandbox");
  printf("preopen /sandbox fd: %u\n", (unsigned)root);
  __wasi_prestat_t ps;
  __wasi_errno_t e = __wasi_fd_prestat_get(root, &ps);
  checkv("fd_prestat_get name_len", e, ps.u.dir.pr_name_len);
  printf("fd_prestat_get tag: %u\n", (unsigned)ps.tag);
  char name[64] = {0};
  e = __wasi_fd_prestat_dir_name(root, (uint8_t *)name, ps.u.dir.pr_name_len);
  checks("fd_prestat_dir_name", e, name);
  check("fd_prestat_get stdout", __wasi_fd_prestat_get(1, &ps));
  check("fd_prestat_get bad fd", __wasi_fd_prestat_get(99, &ps));
  check("fd_prestat_dir_name bad fd", __wasi_fd_prestat_dir_name(99, (uint8_t *)name, 8));
  check("fd_prestat_get bad ptr", __wasi_fd_prestat_get(root, BAD_PTR));
  check("fd_prestat_dir_name bad ptr", __wasi_fd_prestat_dir_name(root, BAD_PTR, 8));
  __wasi_fdstat_t fs;
  e = __wasi_fd_fdstat_get(root, &fs);
  checks("fd_fdstat_get preopen", e, filetype_name(fs.fs_filetype));
}

static void rw_checks(void) {
  check("path_create_directory fdops", __wasi_path_create_directory(root, "fdops"));
  __wasi_fd_t fd = must_open("fdops/data.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, ALL_RIGHTS, 0);
  char buf[128];
  __wasi_size_t n = 0;
  __wasi_filesize_t off = 0;

  /* Gathering write with two iovecs and an empty one. */
  __wasi_ciovec_t wv[3] = {{(const uint8_t *)"hello ", 6}, {(const uint8_t *)"", 0}, {(const uint8_t *)"world\n", 6}};
  __wasi_errno_t e = __wasi_fd_write(fd, wv, 3, &n);
  checkv("fd_write 3 iovecs", e, n);
  checkv("fd_tell after write", __wasi_fd_tell(fd, &off), off);
  checkv("fd_seek set 0", __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &off), off);
  /* Scattering read: 5 bytes + 3 bytes. */
  char a[5], b[3];
  __wasi_iovec_t rv[2] = {{(uint8_t *)a, 5}, {(uint8_t *)b, 3}};
  e = __wasi_fd_read(fd, rv, 2, &n);
  snprintf(buf, sizeof buf, "%u [%.5s|%.3s]", (unsigned)n, a, b);
  checks("fd_read 2 iovecs", e, buf);
  checkv("fd_seek cur -2", __wasi_fd_seek(fd, -2, __WASI_WHENCE_CUR, &off), off);
  e = read_str(fd, buf, sizeof buf, &n);
  checkv("fd_read rest bytes", e, n);
  printf("fd_read rest: [%.*s]\n", (int)(n ? n - 1 : 0), buf);
  e = read_str(fd, buf, sizeof buf, &n);
  checkv("fd_read at eof", e, n);
  checkv("fd_seek end", __wasi_fd_seek(fd, 0, __WASI_WHENCE_END, &off), off);
  checkv("fd_seek end -6", __wasi_fd_seek(fd, -6, __WASI_WHENCE_END, &off), off);
  checkv("fd_seek cur 0", __wasi_fd_seek(fd, 0, __WASI_WHENCE_CUR, &off), off);
  check("fd_seek negative", __wasi_fd_seek(fd, -100, __WASI_WHENCE_SET, &off));
  check("fd_seek bad whence", __wasi_fd_seek(fd, 0, 7, &off));
  checkv("fd_tell after failed seeks", __wasi_fd_tell(fd, &off), off);
  checkv("fd_seek past end", __wasi_fd_seek(fd, 100, __WASI_WHENCE_SET, &off), off);
  e = read_str(fd, buf, sizeof buf, &n);
  checkv("fd_read past end", e, n);
  checkv("fd_seek back", __wasi_fd_seek(fd, 6, __WASI_WHENCE_SET, &off), off);

  /* pread/pwrite do not move the offset. */
  char pb[6] = {0};
  __wasi_iovec_t pv = {(uint8_t *)pb, 5};
  e = __wasi_fd_pread(fd, &pv, 1, 6, &n);
  checks("fd_pread 6", e, pb);
  __wasi_ciovec_t pw = {(const uint8_t *)"HELLO", 5};
  checkv("fd_pwrite 0", __wasi_fd_pwrite(fd, &pw, 1, 0, &n), n);
  checkv("fd_tell after pread/pwrite", __wasi_fd_tell(fd, &off), off);
  memset(buf, 0, sizeof buf);
  pv.buf = (uint8_t *)buf;
  pv.buf_len = 64;
  e = __wasi_fd_pread(fd, &pv, 1, 0, &n);
  snprintf(pb, sizeof pb, "%u", (unsigned)n);
  printf("fd_pread all: %s %s[%.11s]\n", e ? "errno" : "ok", pb, buf);
  checkv("fd_pread past end", __wasi_fd_pread(fd, &pv, 1, 1000, &n), n);
  /* pwrite past the end leaves a zero-filled hole. */
  __wasi_ciovec_t px = {(const uint8_t *)"X", 1};
  checkv("fd_pwrite 20", __wasi_fd_pwrite(fd, &px, 1, 20, &n), n);
  printf("size after pwrite 20: %llu\n", file_size(fd));
  memset(buf, 1, 32);
  pv.buf_len = 32;
  e = __wasi_fd_pread(fd, &pv, 1, 0, &n);
  printf("hole zero-filled: %s\n", yesno(e == 0 && n == 21 && buf[12] == 0 && buf[19] == 0 && buf[20] == 'X'));

  /* filestat */
  __wasi_filestat_t st;
  e = __wasi_fd_filestat_get(fd, &st);
  checks("fd_filestat_get type", e, filetype_name(st.filetype));
  printf("fd_filestat_get nlink: %llu\n", (unsigned long long)st.nlink);
  printf("fd_filestat_get size: %llu\n", (unsigned long long)st.size);
  check("fd_filestat_set_size 5", __wasi_fd_filestat_set_size(fd, 5));
  printf("size after set_size 5: %llu\n", file_size(fd));
  checkv("fd_tell after truncate", __wasi_fd_tell(fd, &off), off);
  check("fd_filestat_set_size 100", __wasi_fd_filestat_set_size(fd, 100));
  printf("size after set_size 100: %llu\n", file_size(fd));
  memset(buf, 1, 64);
  pv.buf_len = 64;
  e = __wasi_fd_pread(fd, &pv, 1, 0, &n);
  printf("extended zero-filled: %s [%.5s]\n", yesno(e == 0 && n == 64 && buf[5] == 0 && buf[63] == 0), buf);

  /* Times: explicit values are stored exactly; _NOW uses the current time. */
  /* Whole seconds: Node's fs (and so node:wasi) keeps only microseconds. */
  const __wasi_timestamp_t T1 = 1000000000000ull, T2 = 2000000000000ull;
  e = __wasi_fd_filestat_set_times(fd, T1, T2, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM);
  check("fd_filestat_set_times", e);
  __wasi_fd_filestat_get(fd, &st);
  printf("atim: %llu\nmtim: %llu\n", (unsigned long long)st.atim, (unsigned long long)st.mtim);
  e = __wasi_fd_filestat_set_times(fd, 0, T1, __WASI_FSTFLAGS_MTIM);
  check("fd_filestat_set_times mtim only", e);
  __wasi_fd_filestat_get(fd, &st);
  printf("atim kept: %s, mtim: %llu\n", yesno(st.atim == T1), (unsigned long long)st.mtim);
  __wasi_timestamp_t now = 0;
  __wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 0, &now);
  e = __wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_ATIM_NOW | __WASI_FSTFLAGS_MTIM_NOW);
  check("fd_filestat_set_times now", e);
  __wasi_fd_filestat_get(fd, &st);
  /* Allow 5 s of clock skew between the guest clock and the filesystem. */
  printf("times now: %s\n", yesno(st.mtim + 5000000000ull >= now && st.atim + 5000000000ull >= now));
  check("fd_filestat_set_times atim+atim_now",
        __wasi_fd_filestat_set_times(fd, T1, 0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW));
  check("fd_filestat_set_times mtim+mtim_now",
        __wasi_fd_filestat_set_times(fd, 0, T1, __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW));

  /* advise / allocate / sync */
  for (__wasi_advice_t adv = 0; adv <= 5; adv++) {
    snprintf(buf, sizeof buf, "fd_advise %u", (unsigned)adv);
    check(buf, __wasi_fd_advise(fd, 0, 100, adv));
  }
  check("fd_advise invalid", __wasi_fd_advise(fd, 0, 100, 9));
  check("fd_allocate 0+200", __wasi_fd_allocate(fd, 0, 200));
  printf("size after allocate: %llu\n", file_size(fd));
  check("fd_allocate 0+10", __wasi_fd_allocate(fd, 0, 10));
  printf("size after small allocate: %llu\n", file_size(fd));
  check("fd_datasync", __wasi_fd_datasync(fd));
  check("fd_sync", __wasi_fd_sync(fd));

  /* fdstat and flags */
  __wasi_fdstat_t fs;
  e = __wasi_fd_fdstat_get(fd, &fs);
  checks("fd_fdstat_get type", e, filetype_name(fs.fs_filetype));
  printf("fd_fdstat_get flags: %u\n", (unsigned)fs.fs_flags);
  printf("fd_fdstat_get rights read/write/seek: %s/%s/%s\n", yesno(fs.fs_rights_base & __WASI_RIGHTS_FD_READ),
         yesno(fs.fs_rights_base & __WASI_RIGHTS_FD_WRITE), yesno(fs.fs_rights_base & __WASI_RIGHTS_FD_SEEK));
  check("fd_fdstat_get bad ptr", __wasi_fd_fdstat_get(fd, BAD_PTR));
  check("fd_filestat_get bad ptr", __wasi_fd_filestat_get(fd, BAD_PTR));
  check("fd_fdstat_set_flags append", __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_APPEND));
  __wasi_fd_fdstat_get(fd, &fs);
  printf("flags after set append: %u\n", (unsigned)fs.fs_flags);
  __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &off);
  checkv("append write", write_str(fd, "END", &n), n);
  printf("size after append: %llu\n", file_size(fd));
  checkv("fd_tell after append", __wasi_fd_tell(fd, &off), off);
  check("fd_fdstat_set_flags 0", __wasi_fd_fdstat_set_flags(fd, 0));
  __wasi_fd_fdstat_get(fd, &fs);
  printf("flags after clear: %u\n", (unsigned)fs.fs_flags);
  check("fd_fdstat_set_flags bad fd", __wasi_fd_fdstat_set_flags(99, 0));

  /* Rights: drop FD_WRITE; writes then fail with ENOTCAPABLE; rights
   * cannot be regained. */
  /* Ask for the current rights less FD_WRITE (asking for rights the fd does
   * not have is ENOTCAPABLE). */
  e = __wasi_fd_fdstat_get(fd, &fs);
  const __wasi_rights_t had_base = fs.fs_rights_base, had_inh = fs.fs_rights_inheriting;
  e = __wasi_fd_fdstat_set_rights(fd, had_base & ~__WASI_RIGHTS_FD_WRITE, had_inh);
  check("fd_fdstat_set_rights drop write", e);
  __wasi_fd_fdstat_get(fd, &fs);
  printf("write right after drop: %s\n", yesno(fs.fs_rights_base & __WASI_RIGHTS_FD_WRITE));
  check("fd_write without right", write_str(fd, "x", &n));
  check("fd_pwrite without right", __wasi_fd_pwrite(fd, &px, 1, 0, &n));
  e = read_str(fd, buf, 4, &n);
  check("fd_read still allowed", e);
  check("fd_fdstat_set_rights regain", __wasi_fd_fdstat_set_rights(fd, had_base, had_inh));
  check("fd_fdstat_set_rights drop seek",
        __wasi_fd_fdstat_set_rights(fd, had_base & ~(__WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK), 0));
  check("fd_seek without right", __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &off));
  check("fd_close", __wasi_fd_close(fd));
  check("fd_close again", __wasi_fd_close(fd));
  check("fd_read closed", read_str(fd, buf, sizeof buf, &n));
  check("fd_write bad fd", write_str(99, "x", &n));
  check("fd_seek bad fd", __wasi_fd_seek(99, 0, __WASI_WHENCE_SET, &off));
  check("fd_tell bad fd", __wasi_fd_tell(99, &off));
  check("fd_filestat_get bad fd", __wasi_fd_filestat_get(99, &st));
  check("fd_fdstat_get bad fd", __wasi_fd_fdstat_get(99, &fs));
  check("fd_sync bad fd", __wasi_fd_sync(99));

  /* A file opened read-only (no FD_WRITE in its rights, like open(O_RDONLY)). */
  __wasi_fd_t ro = must_open("fdops/data.txt", 0,
                             __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL |
                                 __WASI_RIGHTS_FD_FILESTAT_GET | __WASI_RIGHTS_FD_FDSTAT_SET_FLAGS,
                             0);
  check("fd_write read-only", write_str(ro, "x", &n));
  check("fd_filestat_set_size read-only", __wasi_fd_filestat_set_size(ro, 0));
  e = read_str(ro, buf, 6, &n);
  checks("fd_read read-only", e, buf);
  check("fd_close read-only", __wasi_fd_close(ro));

  /* Directory fds: reading bytes from them fails; seeking too. */
  check("fd_write on directory", write_str(root, "x", &n));
  check("path_unlink_file data.txt", __wasi_path_unlink_file(root, "fdops/data.txt"));
}

static void renumber_checks(void) {
  make_file(root, "fdops/one.txt", "one\n");
  make_file(root, "fdops/two.txt", "two\n");
  __wasi_fd_t one = must_open("fdops/one.txt", 0, ALL_RIGHTS, 0);
  __wasi_fd_t two = must_open("fdops/two.txt", 0, ALL_RIGHTS, 0);
  char buf[32];
  __wasi_size_t n;
  check("fd_renumber one->two", __wasi_fd_renumber(one, two));
  __wasi_errno_t e = read_str(two, buf, sizeof buf, &n);
  checks("fd_read via new fd", e, n && buf[n - 1] == '\n' ? (buf[n - 1] = 0, buf) : buf);
  check("fd_read via old fd", read_str(one, buf, sizeof buf, &n));
  check("fd_close old fd", __wasi_fd_close(one));
  check("fd_renumber from bad fd", __wasi_fd_renumber(99, two));
  check("fd_renumber to itself", __wasi_fd_renumber(two, two));
  e = read_str(two, buf, sizeof buf, &n);
  checkv("fd_read after self renumber", e, n);
  check("fd_close new fd", __wasi_fd_close(two));
  check("path_unlink_file one", __wasi_path_unlink_file(root, "fdops/one.txt"));
  check("path_unlink_file two", __wasi_path_unlink_file(root, "fdops/two.txt"));
}

/* fd_readdir: entries of fdops/rd, sorted by name; . and .. are skipped. */
static uint8_t dbuf[4096];

struct ent {
  char name[64];
  __wasi_filetype_t type;
  __wasi_dircookie_t next;
};
static struct ent ents[32];

static int cmp_ent(const void *a, const void *b) {
  return strcmp(((const struct ent *)a)->name, ((const struct ent *)b)->name);
}

/* Read all entries with a buffer of BUFSZ bytes, resuming from cookies. */
static int read_all(__wasi_fd_t dir, size_t bufsz, int *calls, __wasi_errno_t *err) {
  __wasi_dircookie_t cookie = 0;
  int count = 0;
  *calls = 0;
  *err = 0;
  for (;;) {
    __wasi_size_t used = 0;
    __wasi_errno_t e = __wasi_fd_readdir(dir, dbuf, bufsz, cookie, &used);
    ++*calls;
    if (e) {
      *err = e;
      return count;
    }
    size_t pos = 0;
    int progressed = 0;
    while (pos + sizeof(__wasi_dirent_t) <= used) {
      __wasi_dirent_t d;
      memcpy(&d, dbuf + pos, sizeof d);
      if (pos + sizeof d + d.d_namlen > used) break; /* truncated entry: resume at it */
      char name[64];
      size_t len = d.d_namlen < 63 ? d.d_namlen : 63;
      memcpy(name, dbuf + pos + sizeof d, len);
      name[len] = 0;
      cookie = d.d_next;
      progressed = 1;
      pos += sizeof d + d.d_namlen;
      if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) continue;
      if (count < 32) {
        strcpy(ents[count].name, name);
        ents[count].type = d.d_type;
        ents[count].next = d.d_next;
        count++;
      }
    }
    if (used < bufsz) return count; /* end of directory */
    if (!progressed) { /* buffer too small for one entry */
      *err = 255;
      return count;
    }
    if (*calls > 100) return count;
  }
}

static void readdir_checks(void) {
  check("path_create_directory rd", __wasi_path_create_directory(root, "fdops/rd"));
  make_file(root, "fdops/rd/b.txt", "b");
  make_file(root, "fdops/rd/a.txt", "a");
  check("path_create_directory rd/c_dir", __wasi_path_create_directory(root, "fdops/rd/c_dir"));
  check("path_symlink rd/d_link", __wasi_path_symlink("a.txt", root, "fdops/rd/d_link"));
  __wasi_fd_t dir = 0;
  /* A directory cannot be opened for writing (EISDIR). */
  __wasi_errno_t e = open_at(root, 0, "fdops/rd", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_WRITE, 0, 0, &dir);
  check("path_open directory for writing", e);
  e = open_at(root, 0, "fdops/rd", __WASI_OFLAGS_DIRECTORY, READ_RIGHTS, ALL_RIGHTS, 0, &dir);
  check("path_open rd as directory", e);
  if (e) exit(1);
  __wasi_fdstat_t fs;
  e = __wasi_fd_fdstat_get(dir, &fs);
  checks("fd_fdstat_get rd", e, filetype_name(fs.fs_filetype));

  int calls;
  __wasi_errno_t err;
  int n = read_all(dir, sizeof dbuf, &calls, &err);
  check("fd_readdir", err);
  qsort(ents, n, sizeof ents[0], cmp_ent);
  printf("fd_readdir entries: %d\n", n);
  for (int i = 0; i < n; i++) printf("  %s %s\n", ents[i].name, filetype_name(ents[i].type));

  /* Small buffer (room for about one entry): the same entries come back
   * across several calls, resuming from d_next cookies. */
  n = read_all(dir, 40, &calls, &err);
  check("fd_readdir small buffer", err);
  qsort(ents, n, sizeof ents[0], cmp_ent);
  printf("fd_readdir small buffer entries: %d, several calls: %s\n", n, yesno(calls > 1));
  for (int i = 0; i < n; i++) printf("  %s %s\n", ents[i].name, filetype_name(ents[i].type));

  /* Resuming from the last cookie yields nothing. */
  read_all(dir, sizeof dbuf, &calls, &err);
  __wasi_dircookie_t last = 0;
  {
    __wasi_size_t used = 0;
    __wasi_fd_readdir(dir, dbuf, sizeof dbuf, 0, &used);
    size_t pos = 0;
    while (pos + sizeof(__wasi_dirent_t) <= used) {
      __wasi_dirent_t d;
      memcpy(&d, dbuf + pos, sizeof d);
      last = d.d_next;
      pos += sizeof d + d.d_namlen;
    }
    e = __wasi_fd_readdir(dir, dbuf, sizeof dbuf, last, &used);
    checkv("fd_readdir from end cookie", e, used);
  }
  check("fd_readdir bad ptr", __wasi_fd_readdir(dir, BAD_PTR, 64, 0, (__wasi_size_t *)dbuf));
  check("fd_readdir bad fd", __wasi_fd_readdir(99, dbuf, 64, 0, (__wasi_size_t *)dbuf));
  __wasi_fd_t file = must_open("fdops/rd/a.txt", 0, ALL_RIGHTS, 0);
  __wasi_size_t used;
  check("fd_readdir on file", __wasi_fd_readdir(file, dbuf, 64, 0, &used));
  __wasi_fd_close(file);
  __wasi_size_t nr;
  char rb[8];
  check("fd_read on directory", read_str(dir, rb, sizeof rb, &nr));
  check("fd_close rd", __wasi_fd_close(dir));

  /* Clean up. */
  check("path_unlink_file rd/d_link", __wasi_path_unlink_file(root, "fdops/rd/d_link"));
  check("path_unlink_file rd/a.txt", __wasi_path_unlink_file(root, "fdops/rd/a.txt"));
  check("path_unlink_file rd/b.txt", __wasi_path_unlink_file(root, "fdops/rd/b.txt"));
  check("path_remove_directory rd/c_dir", __wasi_path_remove_directory(root, "fdops/rd/c_dir"));
  check("path_remove_directory rd", __wasi_path_remove_directory(root, "fdops/rd"));
  check("path_remove_directory fdops", __wasi_path_remove_directory(root, "fdops"));
}

int main(void) {
  wv_init();
  prestat_checks();
  rw_checks();
  renumber_checks();
  readdir_checks();
  printf("done\n");
  return 0;
}

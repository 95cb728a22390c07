/* poll_oneoff: relative and absolute clock subscriptions, fd_read/fd_write
 * subscriptions on regular files (ready at once), clock + fd together, a bad
 * fd in a subscription, zero subscriptions (EINVAL) and bad pointers
 * (EFAULT). Also sched_yield. Uses /sandbox/poll.txt. */
#include "common.h"

static __wasi_subscription_t subs[4];
static __wasi_event_t evs[4];

static __wasi_timestamp_t mono(void) {
  __wasi_timestamp_t t = 0;
  (void)__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 0, &t);
  return t;
}

static void clock_sub(__wasi_subscription_t *s, uint64_t userdata, __wasi_clockid_t id,
                      __wasi_timestamp_t timeout, __wasi_subclockflags_t flags) {
  memset(s, 0, sizeof *s);
  s->userdata = userdata;
  s->u.tag = __WASI_EVENTTYPE_CLOCK;
  s->u.u.clock.id = id;
  s->u.u.clock.timeout = timeout;
  s->u.u.clock.precision = 0;
  s->u.u.clock.flags = flags;
}

static void fd_sub(__wasi_subscription_t *s, uint64_t userdata, __wasi_eventtype_t type, __wasi_fd_t fd) {
  memset(s, 0, sizeof *s);
  s->userdata = userdata;
  s->u.tag = type;
  if (type == __WASI_EVENTTYPE_FD_READ)
    s->u.u.fd_read.file_descriptor = fd;
  else
    s->u.u.fd_write.file_descriptor = fd;
}

static const char *type_name(__wasi_eventtype_t t) {
  switch (t) {
    case __WASI_EVENTTYPE_CLOCK: return "clock";
    case __WASI_EVENTTYPE_FD_READ: return "fd_read";
    case __WASI_EVENTTYPE_FD_WRITE: return "fd_write";
    default: return "?";
  }
}

/* Print the events sorted by userdata. */
static void print_events(const char *label, __wasi_errno_t e, __wasi_size_t n) {
  if (e) {
    printf("%s: errno %u\n", label, (unsigned)e);
    return;
  }
  printf("%s: ok %u event(s)\n", label, (unsigned)n);
  for (uint64_t ud = 0; ud < 16; ud++)
    for (__wasi_size_t i = 0; i < n; i++)
      if (evs[i].userdata == ud)
        printf("  userdata %llu type %s error %u\n", (unsigned long long)ud, type_name(evs[i].type),
               (unsigned)evs[i].error);
}

int main(void) {
  wv_init();
  __wasi_fd_t root = find_preopen("/sandbox");
  __wasi_size_t n = 0;
  __wasi_errno_t e;

  /* Zero subscriptions. */
  e = __wasi_poll_oneoff(subs, evs, 0, &n);
  check("poll_oneoff zero subscriptions", e);

  /* Relative monotonic clock, 10 ms. */
  clock_sub(&subs[0], 7, __WASI_CLOCKID_MONOTONIC, 10000000ull, 0);
  __wasi_timestamp_t t0 = mono();
  e = __wasi_poll_oneoff(subs, evs, 1, &n);
  __wasi_timestamp_t dt = mono() - t0;
  print_events("poll_oneoff clock 10ms", e, n);
  printf("slept >= 10ms: %s\n", yesno(dt >= 10000000ull));
  printf("slept < 5s: %s\n", yesno(dt < 5000000000ull));

  /* Relative realtime clock, 5 ms. */
  clock_sub(&subs[0], 3, __WASI_CLOCKID_REALTIME, 5000000ull, 0);
  t0 = mono();
  e = __wasi_poll_oneoff(subs, evs, 1, &n);
  dt = mono() - t0;
  print_events("poll_oneoff realtime clock 5ms", e, n);
  printf("slept >= 5ms: %s\n", yesno(dt >= 5000000ull));

  /* Absolute monotonic deadline 10 ms from now; with a 2 s relative clock
   * as a safety net (node:wasi takes the deadline as a relative timeout,
   * i.e. days; it then returns the safety clock's event, userdata 13). */
  t0 = mono();
  clock_sub(&subs[0], 8, __WASI_CLOCKID_MONOTONIC, t0 + 10000000ull,
            __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME);
  clock_sub(&subs[1], 13, __WASI_CLOCKID_MONOTONIC, 2000000000ull, 0);
  e = __wasi_poll_oneoff(subs, evs, 2, &n);
  dt = mono() - t0;
  print_events("poll_oneoff abstime clock", e, n);
  printf("reached deadline: %s\n", yesno(dt >= 10000000ull));

  /* A deadline in the past fires at once. */
  clock_sub(&subs[0], 9, __WASI_CLOCKID_MONOTONIC, 1, __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME);
  clock_sub(&subs[1], 13, __WASI_CLOCKID_MONOTONIC, 2000000000ull, 0);
  t0 = mono();
  e = __wasi_poll_oneoff(subs, evs, 2, &n);
  dt = mono() - t0;
  print_events("poll_oneoff abstime in the past", e, n);
  printf("returned at once: %s\n", yesno(dt < 1000000000ull));

  /* Two clocks: only the earlier one fires. */
  clock_sub(&subs[0], 1, __WASI_CLOCKID_MONOTONIC, 5000000000ull, 0);
  clock_sub(&subs[1], 2, __WASI_CLOCKID_MONOTONIC, 5000000ull, 0);
  t0 = mono();
  e = __wasi_poll_oneoff(subs, evs, 2, &n);
  dt = mono() - t0;
  print_events("poll_oneoff two clocks", e, n);
  printf("returned before the later: %s\n", yesno(dt < 4000000000ull));

  /* Regular files are always ready for reading and writing. */
  check("make poll.txt", make_file(root, "poll.txt", "0123456789"));
  __wasi_fd_t fd;
  e = open_at(root, 0, "poll.txt", 0, ALL_RIGHTS, 0, 0, &fd);
  check("path_open poll.txt", e);
  fd_sub(&subs[0], 4, __WASI_EVENTTYPE_FD_READ, fd);
  e = __wasi_poll_oneoff(subs, evs, 1, &n);
  print_events("poll_oneoff fd_read file", e, n);
  fd_sub(&subs[0], 5, __WASI_EVENTTYPE_FD_WRITE, fd);
  e = __wasi_poll_oneoff(subs, evs, 1, &n);
  print_events("poll_oneoff fd_write file", e, n);

  /* fd_read on a file + a 5 s clock: the file event comes at once, alone. */
  fd_sub(&subs[0], 4, __WASI_EVENTTYPE_FD_READ, fd);
  clock_sub(&subs[1], 6, __WASI_CLOCKID_MONOTONIC, 5000000000ull, 0);
  t0 = mono();
  e = __wasi_poll_oneoff(subs, evs, 2, &n);
  dt = mono() - t0;
  print_events("poll_oneoff fd_read + clock", e, n);
  printf("returned before the clock: %s\n", yesno(dt < 4000000000ull));

  /* A bad fd is reported in its event (EBADF), not as the call's result. */
  fd_sub(&subs[0], 10, __WASI_EVENTTYPE_FD_READ, 99);
  e = __wasi_poll_oneoff(subs, evs, 1, &n);
  print_events("poll_oneoff fd_read bad fd", e, n);

  /* Invalid clock id in a subscription. */
  clock_sub(&subs[0], 11, 99, 1000000ull, 0);
  e = __wasi_poll_oneoff(subs, evs, 1, &n);
  print_events("poll_oneoff invalid clock", e, n);

  /* Bad pointers. */
  clock_sub(&subs[0], 12, __WASI_CLOCKID_MONOTONIC, 1000ull, 0);
  check("poll_oneoff bad in ptr", __wasi_poll_oneoff(BAD_PTR, evs, 1, &n));
  check("poll_oneoff bad out ptr", __wasi_poll_oneoff(subs, BAD_PTR, 1, &n));
  check("poll_oneoff bad nevents ptr", __wasi_poll_oneoff(subs, evs, 1, BAD_PTR));

  check("sched_yield", __wasi_sched_yield());
  check("fd_close", __wasi_fd_close(fd));
  check("path_unlink_file poll.txt", __wasi_path_unlink_file(root, "poll.txt"));
  printf("done\n");
  return 0;
}

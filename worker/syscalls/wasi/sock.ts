// sock_* handlers. WASI preview1 has no way to create a socket; only a host can hand one in as
// a preopened fd, and this kernel hands in none. So every fd a program holds is not a socket:
// these calls answer ENOTSOCK for a valid fd and EBADF for a closed one, after checking their
// pointers, exactly as a kernel without sockets must.
import { Fdflags, Sdflags } from './abi.js';
import { Errno, fail } from '../../errors/errno.js';
import type { Handler } from './util.js';

export const sock_accept: Handler = (t, a) => {
  t.fds.get(a.u32(0));
  if (a.u32(1) & ~Fdflags.NONBLOCK /* the only flag defined */) fail(Errno.INVAL);
  t.mem.check(a.u32(2), 4);
  fail(Errno.NOTSOCK);
};

export const sock_recv: Handler = (t, a) => {
  t.fds.get(a.u32(0));
  t.mem.iovecs(a.u32(1), a.u32(2));
  t.mem.check(a.u32(4), 4);
  t.mem.check(a.u32(5), 2);
  fail(Errno.NOTSOCK);
};

export const sock_send: Handler = (t, a) => {
  t.fds.get(a.u32(0));
  t.mem.iovecs(a.u32(1), a.u32(2));
  t.mem.check(a.u32(4), 4);
  fail(Errno.NOTSOCK);
};

export const sock_shutdown: Handler = (t, a) => {
  t.fds.get(a.u32(0));
  const how = a.u32(1) & 0xff;
  if (how === 0 || how & ~(Sdflags.RD | Sdflags.WR)) fail(Errno.INVAL);
  fail(Errno.NOTSOCK);
};

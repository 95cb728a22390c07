// The kernel's error vocabulary (gVisor's linuxerr): the error numbers every layer below the
// syscall tables speaks — vfs, fsimpl, kernel, tty, shell — and SysError, the exception that
// carries one. The numbers are Linux's; ENOTCAPABLE (a capability right is missing), which
// Linux lacks, takes a number past Linux's last. An ABI converts these to its own numbers at
// its border (syscalls/wasi/abi.ts for WASI); nothing here knows any ABI.

export const enum Errno {
  SUCCESS = 0,
  PERM = 1, NOENT = 2, SRCH = 3, INTR = 4, IO = 5, NXIO = 6, TOOBIG = 7, NOEXEC = 8, BADF = 9,
  CHILD = 10, AGAIN = 11, NOMEM = 12, ACCES = 13, FAULT = 14, BUSY = 16, EXIST = 17, XDEV = 18,
  NODEV = 19, NOTDIR = 20, ISDIR = 21, INVAL = 22, NFILE = 23, MFILE = 24, NOTTY = 25, TXTBSY = 26,
  FBIG = 27, NOSPC = 28, SPIPE = 29, ROFS = 30, MLINK = 31, PIPE = 32, DOM = 33, RANGE = 34,
  DEADLK = 35, NAMETOOLONG = 36, NOLCK = 37, NOSYS = 38, NOTEMPTY = 39, LOOP = 40, NOMSG = 42,
  IDRM = 43, NOLINK = 67, PROTO = 71, MULTIHOP = 72, BADMSG = 74, OVERFLOW = 75, ILSEQ = 84,
  NOTSOCK = 88, DESTADDRREQ = 89, MSGSIZE = 90, PROTOTYPE = 91, NOPROTOOPT = 92,
  PROTONOSUPPORT = 93, NOTSUP = 95, AFNOSUPPORT = 97, ADDRINUSE = 98, ADDRNOTAVAIL = 99,
  NETDOWN = 100, NETUNREACH = 101, NETRESET = 102, CONNABORTED = 103, CONNRESET = 104,
  NOBUFS = 105, ISCONN = 106, NOTCONN = 107, TIMEDOUT = 110, CONNREFUSED = 111, HOSTUNREACH = 113,
  ALREADY = 114, INPROGRESS = 115, STALE = 116, DQUOT = 122, CANCELED = 125, OWNERDEAD = 130,
  NOTRECOVERABLE = 131,
  /** A capability right the call needs is missing (FreeBSD's Capsicum error; not in Linux). */
  NOTCAPABLE = 134,
}

/** The largest Errno value (tables indexed by errno have this length + 1). */
export const ERRNO_MAX = 134;

const NAMES: Record<number, string> = {
  0: 'SUCCESS', 1: 'EPERM', 2: 'ENOENT', 3: 'ESRCH', 4: 'EINTR', 5: 'EIO', 6: 'ENXIO', 7: 'E2BIG',
  8: 'ENOEXEC', 9: 'EBADF', 10: 'ECHILD', 11: 'EAGAIN', 12: 'ENOMEM', 13: 'EACCES', 14: 'EFAULT',
  16: 'EBUSY', 17: 'EEXIST', 18: 'EXDEV', 19: 'ENODEV', 20: 'ENOTDIR', 21: 'EISDIR', 22: 'EINVAL',
  23: 'ENFILE', 24: 'EMFILE', 25: 'ENOTTY', 26: 'ETXTBSY', 27: 'EFBIG', 28: 'ENOSPC', 29: 'ESPIPE',
  30: 'EROFS', 31: 'EMLINK', 32: 'EPIPE', 33: 'EDOM', 34: 'ERANGE', 35: 'EDEADLK', 36: 'ENAMETOOLONG',
  37: 'ENOLCK', 38: 'ENOSYS', 39: 'ENOTEMPTY', 40: 'ELOOP', 42: 'ENOMSG', 43: 'EIDRM', 67: 'ENOLINK',
  71: 'EPROTO', 72: 'EMULTIHOP', 74: 'EBADMSG', 75: 'EOVERFLOW', 84: 'EILSEQ', 88: 'ENOTSOCK',
  89: 'EDESTADDRREQ', 90: 'EMSGSIZE', 91: 'EPROTOTYPE', 92: 'ENOPROTOOPT', 93: 'EPROTONOSUPPORT',
  95: 'ENOTSUP', 97: 'EAFNOSUPPORT', 98: 'EADDRINUSE', 99: 'EADDRNOTAVAIL', 100: 'ENETDOWN',
  101: 'ENETUNREACH', 102: 'ENETRESET', 103: 'ECONNABORTED', 104: 'ECONNRESET', 105: 'ENOBUFS',
  106: 'EISCONN', 107: 'ENOTCONN', 110: 'ETIMEDOUT', 111: 'ECONNREFUSED', 113: 'EHOSTUNREACH',
  114: 'EALREADY', 115: 'EINPROGRESS', 116: 'ESTALE', 122: 'EDQUOT', 125: 'ECANCELED',
  130: 'EOWNERDEAD', 131: 'ENOTRECOVERABLE', 134: 'ENOTCAPABLE',
};

/** "ENOENT" for Errno.NOENT; "errno N" for a number that is not one. */
export function errnoName(e: number): string {
  return NAMES[e] ?? `errno ${e}`;
}

/** V8's Error.stackTraceLimit (other engines ignore it). */
const ErrorLimit = Error as { stackTraceLimit?: number };

/**
 * How every kernel layer reports a failure. A syscall table turns it into its ABI's errno; any
 * other exception escaping a handler is a kernel bug, logged and answered with EIO, never
 * allowed to take the kernel down. A SysError is an answer, not a bug: it carries no stack
 * trace, whose capture (~3 µs under Node) would be most of the cost of a failed lookup (a
 * missing name before O_CREAT, a PATH search).
 */
export class SysError extends Error {
  readonly errno: Errno;
  constructor(errno: Errno, detail?: string) {
    // (No try/finally around super: bundlers rewrite constructors, and the message cannot throw.)
    const limit = ErrorLimit.stackTraceLimit;
    ErrorLimit.stackTraceLimit = 0;
    super(detail ? `${errnoName(errno)}: ${detail}` : errnoName(errno));
    ErrorLimit.stackTraceLimit = limit;
    this.errno = errno;
  }
}

/** Throws SysError(errno). Handy in expressions. */
export function fail(errno: Errno, detail?: string): never {
  throw new SysError(errno, detail);
}

// WASI preview1 ABI: its numbers (errnos, file types, flags, whence, clocks, events, signals),
// the spec's (WebAssembly/WASI witx for wasi_snapshot_preview1), and the tables that convert the
// kernel's own vocabulary (errors/errno.ts, vfs/file_type.ts, kernel/signals.ts) to and from
// them. This border is the only place the two meet. Struct layouts that differ between preview1
// and wasi_unstable live in layout.ts. Rights: WASI's rights bits are the kernel's capability
// rights (kernel/rights.ts) bit for bit, by design, so they cross unconverted.
import { Errno, ERRNO_MAX } from '../../errors/errno.js';
import { FileType, StatusFlags, Whence } from '../../vfs/file_type.js';
import { Signal } from '../../kernel/signals.js';

export const enum WasiErrno {
  SUCCESS = 0, TOOBIG = 1, ACCES = 2, ADDRINUSE = 3, ADDRNOTAVAIL = 4, AFNOSUPPORT = 5, AGAIN = 6,
  ALREADY = 7, BADF = 8, BADMSG = 9, BUSY = 10, CANCELED = 11, CHILD = 12, CONNABORTED = 13,
  CONNREFUSED = 14, CONNRESET = 15, DEADLK = 16, DESTADDRREQ = 17, DOM = 18, DQUOT = 19, EXIST = 20,
  FAULT = 21, FBIG = 22, HOSTUNREACH = 23, IDRM = 24, ILSEQ = 25, INPROGRESS = 26, INTR = 27,
  INVAL = 28, IO = 29, ISCONN = 30, ISDIR = 31, LOOP = 32, MFILE = 33, MLINK = 34, MSGSIZE = 35,
  MULTIHOP = 36, NAMETOOLONG = 37, NETDOWN = 38, NETRESET = 39, NETUNREACH = 40, NFILE = 41,
  NOBUFS = 42, NODEV = 43, NOENT = 44, NOEXEC = 45, NOLCK = 46, NOLINK = 47, NOMEM = 48, NOMSG = 49,
  NOPROTOOPT = 50, NOSPC = 51, NOSYS = 52, NOTCONN = 53, NOTDIR = 54, NOTEMPTY = 55,
  NOTRECOVERABLE = 56, NOTSOCK = 57, NOTSUP = 58, NOTTY = 59, NXIO = 60, OVERFLOW = 61,
  OWNERDEAD = 62, PERM = 63, PIPE = 64, PROTO = 65, PROTONOSUPPORT = 66, PROTOTYPE = 67, RANGE = 68,
  ROFS = 69, SPIPE = 70, SRCH = 71, STALE = 72, TIMEDOUT = 73, TXTBSY = 74, XDEV = 75,
  NOTCAPABLE = 76,
}

export const enum WasiFiletype {
  UNKNOWN = 0, BLOCK_DEVICE = 1, CHARACTER_DEVICE = 2, DIRECTORY = 3, REGULAR_FILE = 4,
  SOCKET_DGRAM = 5, SOCKET_STREAM = 6, SYMBOLIC_LINK = 7,
}

export const enum Oflags { CREAT = 1, DIRECTORY = 2, EXCL = 4, TRUNC = 8 }
export const enum Fdflags { APPEND = 1, DSYNC = 2, NONBLOCK = 4, RSYNC = 8, SYNC = 16 }
export const enum Lookupflags { SYMLINK_FOLLOW = 1 }
export const enum Fstflags { ATIM = 1, ATIM_NOW = 2, MTIM = 4, MTIM_NOW = 8 }
export const enum WasiWhence { SET = 0, CUR = 1, END = 2 }
export const enum Clockid { REALTIME = 0, MONOTONIC = 1, PROCESS_CPUTIME_ID = 2, THREAD_CPUTIME_ID = 3 }
export const enum Eventtype { CLOCK = 0, FD_READ = 1, FD_WRITE = 2 }
export const enum Eventrwflags { FD_READWRITE_HANGUP = 1 }
export const enum Subclockflags { ABSTIME = 1 }
export const enum Advice { NORMAL = 0, SEQUENTIAL = 1, RANDOM = 2, WILLNEED = 3, DONTNEED = 4, NOREUSE = 5 }
export const enum Sdflags { RD = 1, WR = 2 }
export const enum Preopentype { DIR = 0 }

/** Signals (wasi `signal` enum; same numbers as Linux for the common ones). */
export const enum WasiSignal {
  NONE = 0, HUP = 1, INT = 2, QUIT = 3, ILL = 4, TRAP = 5, ABRT = 6, BUS = 7, FPE = 8, KILL = 9,
  USR1 = 10, SEGV = 11, USR2 = 12, PIPE = 13, ALRM = 14, TERM = 15, CHLD = 16, CONT = 17, STOP = 18,
  TSTP = 19, TTIN = 20, TTOU = 21, URG = 22, XCPU = 23, XFSZ = 24, VTALRM = 25, PROF = 26,
  WINCH = 27, POLL = 28, PWR = 29, SYS = 30,
}

/** Kernel errno -> WASI errno, indexed by the kernel's number. */
const WASI_ERRNO = new Uint8Array(ERRNO_MAX + 1).fill(WasiErrno.IO);
for (const [k, w] of [
  [Errno.SUCCESS, WasiErrno.SUCCESS], [Errno.TOOBIG, WasiErrno.TOOBIG], [Errno.ACCES, WasiErrno.ACCES],
  [Errno.ADDRINUSE, WasiErrno.ADDRINUSE], [Errno.ADDRNOTAVAIL, WasiErrno.ADDRNOTAVAIL],
  [Errno.AFNOSUPPORT, WasiErrno.AFNOSUPPORT], [Errno.AGAIN, WasiErrno.AGAIN], [Errno.ALREADY, WasiErrno.ALREADY],
  [Errno.BADF, WasiErrno.BADF], [Errno.BADMSG, WasiErrno.BADMSG], [Errno.BUSY, WasiErrno.BUSY],
  [Errno.CANCELED, WasiErrno.CANCELED], [Errno.CHILD, WasiErrno.CHILD], [Errno.CONNABORTED, WasiErrno.CONNABORTED],
  [Errno.CONNREFUSED, WasiErrno.CONNREFUSED], [Errno.CONNRESET, WasiErrno.CONNRESET], [Errno.DEADLK, WasiErrno.DEADLK],
  [Errno.DESTADDRREQ, WasiErrno.DESTADDRREQ], [Errno.DOM, WasiErrno.DOM], [Errno.DQUOT, WasiErrno.DQUOT],
  [Errno.EXIST, WasiErrno.EXIST], [Errno.FAULT, WasiErrno.FAULT], [Errno.FBIG, WasiErrno.FBIG],
  [Errno.HOSTUNREACH, WasiErrno.HOSTUNREACH], [Errno.IDRM, WasiErrno.IDRM], [Errno.ILSEQ, WasiErrno.ILSEQ],
  [Errno.INPROGRESS, WasiErrno.INPROGRESS], [Errno.INTR, WasiErrno.INTR], [Errno.INVAL, WasiErrno.INVAL],
  [Errno.IO, WasiErrno.IO], [Errno.ISCONN, WasiErrno.ISCONN], [Errno.ISDIR, WasiErrno.ISDIR], [Errno.LOOP, WasiErrno.LOOP],
  [Errno.MFILE, WasiErrno.MFILE], [Errno.MLINK, WasiErrno.MLINK], [Errno.MSGSIZE, WasiErrno.MSGSIZE],
  [Errno.MULTIHOP, WasiErrno.MULTIHOP], [Errno.NAMETOOLONG, WasiErrno.NAMETOOLONG], [Errno.NETDOWN, WasiErrno.NETDOWN],
  [Errno.NETRESET, WasiErrno.NETRESET], [Errno.NETUNREACH, WasiErrno.NETUNREACH], [Errno.NFILE, WasiErrno.NFILE],
  [Errno.NOBUFS, WasiErrno.NOBUFS], [Errno.NODEV, WasiErrno.NODEV], [Errno.NOENT, WasiErrno.NOENT],
  [Errno.NOEXEC, WasiErrno.NOEXEC], [Errno.NOLCK, WasiErrno.NOLCK], [Errno.NOLINK, WasiErrno.NOLINK],
  [Errno.NOMEM, WasiErrno.NOMEM], [Errno.NOMSG, WasiErrno.NOMSG], [Errno.NOPROTOOPT, WasiErrno.NOPROTOOPT],
  [Errno.NOSPC, WasiErrno.NOSPC], [Errno.NOSYS, WasiErrno.NOSYS], [Errno.NOTCONN, WasiErrno.NOTCONN],
  [Errno.NOTDIR, WasiErrno.NOTDIR], [Errno.NOTEMPTY, WasiErrno.NOTEMPTY], [Errno.NOTRECOVERABLE, WasiErrno.NOTRECOVERABLE],
  [Errno.NOTSOCK, WasiErrno.NOTSOCK], [Errno.NOTSUP, WasiErrno.NOTSUP], [Errno.NOTTY, WasiErrno.NOTTY],
  [Errno.NXIO, WasiErrno.NXIO], [Errno.OVERFLOW, WasiErrno.OVERFLOW], [Errno.OWNERDEAD, WasiErrno.OWNERDEAD],
  [Errno.PERM, WasiErrno.PERM], [Errno.PIPE, WasiErrno.PIPE], [Errno.PROTO, WasiErrno.PROTO],
  [Errno.PROTONOSUPPORT, WasiErrno.PROTONOSUPPORT], [Errno.PROTOTYPE, WasiErrno.PROTOTYPE], [Errno.RANGE, WasiErrno.RANGE],
  [Errno.ROFS, WasiErrno.ROFS], [Errno.SPIPE, WasiErrno.SPIPE], [Errno.SRCH, WasiErrno.SRCH], [Errno.STALE, WasiErrno.STALE],
  [Errno.TIMEDOUT, WasiErrno.TIMEDOUT], [Errno.TXTBSY, WasiErrno.TXTBSY], [Errno.XDEV, WasiErrno.XDEV],
  [Errno.NOTCAPABLE, WasiErrno.NOTCAPABLE],
] as const) WASI_ERRNO[k] = w;

/** The WASI errno for a kernel errno (EIO for a number the kernel does not define). */
export function wasiErrno(e: number): WasiErrno {
  return (e >= 0 && e <= ERRNO_MAX ? WASI_ERRNO[e]! : WasiErrno.IO) as WasiErrno;
}

/** Kernel file type -> WASI filetype, indexed by the kernel's number. FIFOs are UNKNOWN (WASI has none). */
const WASI_FILETYPE = new Uint8Array(16).fill(WasiFiletype.UNKNOWN);
for (const [k, w] of [
  [FileType.CHARACTER_DEVICE, WasiFiletype.CHARACTER_DEVICE], [FileType.DIRECTORY, WasiFiletype.DIRECTORY],
  [FileType.BLOCK_DEVICE, WasiFiletype.BLOCK_DEVICE], [FileType.REGULAR_FILE, WasiFiletype.REGULAR_FILE],
  [FileType.SYMBOLIC_LINK, WasiFiletype.SYMBOLIC_LINK], [FileType.SOCKET_STREAM, WasiFiletype.SOCKET_STREAM],
  [FileType.SOCKET_DGRAM, WasiFiletype.SOCKET_DGRAM],
] as const) WASI_FILETYPE[k] = w;

export function wasiFiletype(t: FileType): WasiFiletype {
  return (WASI_FILETYPE[t] ?? WasiFiletype.UNKNOWN) as WasiFiletype;
}

const FDFLAGS: readonly (readonly [Fdflags, StatusFlags])[] = [
  [Fdflags.APPEND, StatusFlags.APPEND], [Fdflags.DSYNC, StatusFlags.DSYNC], [Fdflags.NONBLOCK, StatusFlags.NONBLOCK],
  [Fdflags.RSYNC, StatusFlags.RSYNC], [Fdflags.SYNC, StatusFlags.SYNC],
];
/** Every fdflags bit WASI defines. */
export const FDFLAGS_ALL = Fdflags.APPEND | Fdflags.DSYNC | Fdflags.NONBLOCK | Fdflags.RSYNC | Fdflags.SYNC;

/** WASI fdflags -> the description's status flags. */
export function statusFlagsFromWasi(f: number): number {
  let out = 0;
  for (const [w, k] of FDFLAGS) if (f & w) out |= k;
  return out;
}
/** A description's status flags -> WASI fdflags. */
export function wasiFdflags(f: number): number {
  let out = 0;
  for (const [w, k] of FDFLAGS) if (f & k) out |= w;
  return out;
}

/** WASI whence (preview1 numbering) -> the kernel's. */
export function whenceFromWasi(w: WasiWhence): Whence {
  return w === WasiWhence.SET ? Whence.SET : w === WasiWhence.CUR ? Whence.CUR : Whence.END;
}

/**
 * WASI signal -> the kernel's (Linux's) number: the same up to SIGTERM; WASI's enum has no
 * SIGSTKFLT, so from SIGCHLD on the kernel's number is one higher.
 */
export function signalFromWasi(s: WasiSignal): Signal {
  return (s <= WasiSignal.TERM ? s : s + 1) as Signal;
}

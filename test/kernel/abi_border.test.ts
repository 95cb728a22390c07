// The border between the kernel's vocabulary and WASI's (syscalls/wasi/abi.ts): every kernel
// errno has its own WASI errno of the same name, file types and flags convert both ways, and the
// kernel's capability rights are WASI's rights bits, position for position.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Errno, ERRNO_MAX, errnoName } from '../../worker/errors/errno.js';
import { FileType, StatusFlags } from '../../worker/vfs/file_type.js';
import { Rights, RIGHTS_ALL } from '../../worker/kernel/rights.js';
import { Signal, signalName } from '../../worker/kernel/signals.js';
import { Fdflags, signalFromWasi, statusFlagsFromWasi, wasiErrno, wasiFdflags, wasiFiletype, WasiFiletype, WasiSignal } from '../../worker/syscalls/wasi/abi.js';

/** wasi_snapshot_preview1's errno enum, in order (witx). */
const WASI_ERRNO_NAMES = [
  'SUCCESS', 'E2BIG', 'EACCES', 'EADDRINUSE', 'EADDRNOTAVAIL', 'EAFNOSUPPORT', 'EAGAIN', 'EALREADY', 'EBADF', 'EBADMSG',
  'EBUSY', 'ECANCELED', 'ECHILD', 'ECONNABORTED', 'ECONNREFUSED', 'ECONNRESET', 'EDEADLK', 'EDESTADDRREQ', 'EDOM',
  'EDQUOT', 'EEXIST', 'EFAULT', 'EFBIG', 'EHOSTUNREACH', 'EIDRM', 'EILSEQ', 'EINPROGRESS', 'EINTR', 'EINVAL', 'EIO',
  'EISCONN', 'EISDIR', 'ELOOP', 'EMFILE', 'EMLINK', 'EMSGSIZE', 'EMULTIHOP', 'ENAMETOOLONG', 'ENETDOWN', 'ENETRESET',
  'ENETUNREACH', 'ENFILE', 'ENOBUFS', 'ENODEV', 'ENOENT', 'ENOEXEC', 'ENOLCK', 'ENOLINK', 'ENOMEM', 'ENOMSG',
  'ENOPROTOOPT', 'ENOSPC', 'ENOSYS', 'ENOTCONN', 'ENOTDIR', 'ENOTEMPTY', 'ENOTRECOVERABLE', 'ENOTSOCK', 'ENOTSUP',
  'ENOTTY', 'ENXIO', 'EOVERFLOW', 'EOWNERDEAD', 'EPERM', 'EPIPE', 'EPROTO', 'EPROTONOSUPPORT', 'EPROTOTYPE', 'ERANGE',
  'EROFS', 'ESPIPE', 'ESRCH', 'ESTALE', 'ETIMEDOUT', 'ETXTBSY', 'EXDEV', 'ENOTCAPABLE',
];

test('every kernel errno converts to the WASI errno of the same name, one to one', () => {
  const seen = new Set<number>();
  for (let e = 0; e <= ERRNO_MAX; e++) {
    const name = errnoName(e);
    if (name.startsWith('errno ')) continue;
    const w = wasiErrno(e);
    assert.equal(WASI_ERRNO_NAMES[w], name, `kernel ${name} (${e}) became WASI ${WASI_ERRNO_NAMES[w]}`);
    seen.add(w);
  }
  assert.equal(seen.size, WASI_ERRNO_NAMES.length, 'every WASI errno is reachable');
  assert.equal(wasiErrno(Errno.NOENT), 44);
  assert.equal(wasiErrno(999), wasiErrno(Errno.IO), 'a number the kernel does not define is EIO');
});

test('file types, status flags and signals convert at the border', () => {
  assert.equal(wasiFiletype(FileType.REGULAR_FILE), WasiFiletype.REGULAR_FILE);
  assert.equal(wasiFiletype(FileType.DIRECTORY), WasiFiletype.DIRECTORY);
  assert.equal(wasiFiletype(FileType.SYMBOLIC_LINK), WasiFiletype.SYMBOLIC_LINK);
  assert.equal(wasiFiletype(FileType.CHARACTER_DEVICE), WasiFiletype.CHARACTER_DEVICE);
  assert.equal(wasiFiletype(FileType.FIFO), WasiFiletype.UNKNOWN, 'WASI has no FIFO type');
  const all = Fdflags.APPEND | Fdflags.DSYNC | Fdflags.NONBLOCK | Fdflags.RSYNC | Fdflags.SYNC;
  for (let f = 0; f <= all; f++) assert.equal(wasiFdflags(statusFlagsFromWasi(f)), f);
  assert.equal(statusFlagsFromWasi(Fdflags.NONBLOCK), StatusFlags.NONBLOCK);
  assert.equal(signalFromWasi(WasiSignal.TERM), Signal.TERM);
  assert.equal(signalName(signalFromWasi(WasiSignal.CHLD)), 'SIGCHLD');
  assert.equal(signalName(signalFromWasi(WasiSignal.SYS)), 'SIGSYS');
  assert.equal(signalName(signalFromWasi(WasiSignal.WINCH)), 'SIGWINCH');
});

test("the kernel's rights are WASI's rights bits, position for position", () => {
  const spec = [
    'FD_DATASYNC', 'FD_READ', 'FD_SEEK', 'FD_FDSTAT_SET_FLAGS', 'FD_SYNC', 'FD_TELL', 'FD_WRITE', 'FD_ADVISE',
    'FD_ALLOCATE', 'PATH_CREATE_DIRECTORY', 'PATH_CREATE_FILE', 'PATH_LINK_SOURCE', 'PATH_LINK_TARGET', 'PATH_OPEN',
    'FD_READDIR', 'PATH_READLINK', 'PATH_RENAME_SOURCE', 'PATH_RENAME_TARGET', 'PATH_FILESTAT_GET',
    'PATH_FILESTAT_SET_SIZE', 'PATH_FILESTAT_SET_TIMES', 'FD_FILESTAT_GET', 'FD_FILESTAT_SET_SIZE',
    'FD_FILESTAT_SET_TIMES', 'PATH_SYMLINK', 'PATH_REMOVE_DIRECTORY', 'PATH_UNLINK_FILE', 'POLL_FD_READWRITE',
    'SOCK_SHUTDOWN', 'SOCK_ACCEPT',
  ] as const;
  spec.forEach((name, bit) => assert.equal(Rights[name], 2 ** bit, name));
  assert.equal(RIGHTS_ALL, 2 ** spec.length - 1);
});

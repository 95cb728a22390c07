// SysError: how every kernel layer reports a failure. The syscall dispatcher turns it into the
// WASI errno it carries; any other exception escaping a handler is a kernel bug, logged and
// answered with EIO, never allowed to take the kernel down.
import { Errno, ERRNO_NAMES } from '../syscalls/wasi/abi.js';

export class SysError extends Error {
  constructor(readonly errno: Errno, detail?: string) {
    super(detail ? `${ERRNO_NAMES[errno]}: ${detail}` : ERRNO_NAMES[errno]);
  }
}

/** Throws SysError(errno). Handy in expressions. */
export function fail(errno: Errno, detail?: string): never {
  throw new SysError(errno, detail);
}

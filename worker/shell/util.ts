// Small helpers shared by the shell's files: path normalization, error text, writing all bytes.
import { Errno, SysError } from '../errors/errno.js';
import type { FileDescription } from '../vfs/file_description.js';

/** Normalizes an absolute path: resolves `.` and `..` textually, no trailing slash. */
export function normalizePath(p: string): string {
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return '/' + out.join('/');
}

/** A command that could not be found or executed, with its POSIX status. */
export class CommandError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export function errorText(e: unknown): string {
  if (e instanceof SysError) return STRERROR[e.errno] ?? e.message;
  return e instanceof Error ? e.message : String(e);
}

const STRERROR: Partial<Record<number, string>> = {
  [Errno.NOENT]: 'No such file or directory',
  [Errno.EXIST]: 'File exists',
  [Errno.NOTDIR]: 'Not a directory',
  [Errno.ISDIR]: 'Is a directory',
  [Errno.ACCES]: 'Permission denied',
  [Errno.PERM]: 'Operation not permitted',
  [Errno.NOTEMPTY]: 'Directory not empty',
  [Errno.NOSPC]: 'No space left on device',
  [Errno.ROFS]: 'Read-only file system',
  [Errno.LOOP]: 'Too many levels of symbolic links',
  [Errno.NAMETOOLONG]: 'File name too long',
  [Errno.INVAL]: 'Invalid argument',
};

/** Writes all of bytes to desc (waiting as needed). */
export async function writeAll(desc: FileDescription, bytes: Uint8Array): Promise<void> {
  let off = 0;
  while (off < bytes.length) {
    const n = await desc.write([bytes.subarray(off)]);
    if (n <= 0) break;
    off += n;
  }
}


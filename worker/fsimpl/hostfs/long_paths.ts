// The node:fs that hostfs calls, able to reach host paths longer than the host's PATH_MAX.
// hostfs names a host object by one absolute path (the host root plus checked names), but a tree
// made in the sandbox one directory at a time (through directory fds, as Linux and wasmtime
// allow with their *at calls) can be deeper than the host takes in one path, and Node has no
// *at calls. So this module exports all of node:fs, with the path functions hostfs uses
// replaced: a path the host would refuse as too long (4096 bytes or more with its NUL) is
// reached through /proc/self/fd (Linux). The longest leading part the host takes is checked to
// be real directories (its realpath is itself, the rule hostfs applies to every path) and opened
// as a directory; each further directory is opened from the one before with
// O_DIRECTORY|O_NOFOLLOW, so no component past that part can be a symlink either; and the call
// is made on `/proc/self/fd/N/LAST`. Such a call costs one open per component past the first
// 4 KiB of the path. Short paths go straight to node:fs. Without /proc a long path stays
// ENAMETOOLONG.
import * as fs from 'node:fs';

export * from 'node:fs';

/** Linux's PATH_MAX: the bytes of a path with its terminating NUL. */
const HOST_PATH_MAX = 4096;
const PROC_FD = process.platform === 'linux' && fs.existsSync('/proc/self/fd');
const O_DIR = fs.constants.O_RDONLY | (fs.constants.O_DIRECTORY ?? 0);
const O_NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;

function tooLong(p: string): boolean {
  return p.length * 3 >= HOST_PATH_MAX && Buffer.byteLength(p) >= HOST_PATH_MAX;
}

function hostError(code: string, message: string, p: string): never {
  const e = new Error(`${code}: ${message}, '${p.length > 80 ? `${p.slice(0, 40)}…${p.slice(-40)}` : p}'`) as NodeJS.ErrnoException;
  e.code = code;
  throw e;
}

/** Calls fn with a path the host accepts for the absolute host path p (see the header). */
function via<T>(p: unknown, fn: (q: string) => T): T {
  if (typeof p !== 'string' || !tooLong(p)) return fn(p as string);
  if (!PROC_FD || !p.startsWith('/')) hostError('ENAMETOOLONG', 'name too long', p);
  const parts = p.split('/').slice(1);
  const last = parts.pop()!;
  let head = '';
  let bytes = 0;
  let i = 0;
  for (; i < parts.length; i++) {
    const n = 1 + Buffer.byteLength(parts[i]!);
    if (bytes + n >= HOST_PATH_MAX) break;
    head += '/' + parts[i]!;
    bytes += n;
  }
  if (head === '' || fs.realpathSync.native(head) !== head) hostError('ENOENT', 'path component replaced', p);
  let fd = fs.openSync(head, O_DIR);
  try {
    for (; i < parts.length; i++) {
      let next: number;
      try {
        next = fs.openSync(`/proc/self/fd/${fd}/${parts[i]!}`, O_DIR | O_NOFOLLOW);
      } catch (e) {
        // A symlink where a directory was: the path no longer names what it was built for.
        if ((e as NodeJS.ErrnoException).code === 'ELOOP') hostError('ENOENT', 'path component replaced', p);
        throw e;
      }
      fs.closeSync(fd);
      fd = next;
    }
    return fn(`/proc/self/fd/${fd}/${last}`);
  } finally {
    fs.closeSync(fd);
  }
}

type AnyFn = (...args: any[]) => any;

/** f with its first argument, a path, passed through via. */
function onPath<F extends AnyFn>(f: F): F {
  return ((p: unknown, ...rest: unknown[]) => via(p, (q) => f(q, ...rest))) as F;
}

/** f with its first two arguments, both paths, passed through via. */
function onPaths<F extends AnyFn>(f: F): F {
  return ((a: unknown, b: unknown, ...rest: unknown[]) => via(a, (qa) => via(b, (qb) => f(qa, qb, ...rest)))) as F;
}

export const lstatSync = onPath(fs.lstatSync);
export const openSync = onPath(fs.openSync);
export const readlinkSync = onPath(fs.readlinkSync);
export const lutimesSync = onPath(fs.lutimesSync);
export const utimesSync = onPath(fs.utimesSync);
export const readdirSync = onPath(fs.readdirSync);
export const mkdirSync = onPath(fs.mkdirSync);
export const unlinkSync = onPath(fs.unlinkSync);
export const rmdirSync = onPath(fs.rmdirSync);
export const renameSync = onPaths(fs.renameSync);
export const linkSync = onPaths(fs.linkSync);
export const symlinkSync = ((target: fs.PathLike, p: fs.PathLike, type?: fs.symlink.Type | null) =>
  via(p, (q) => fs.symlinkSync(target, q, type))) as typeof fs.symlinkSync;

/** realpath(3) of p. A long p is its own realpath when walking it (which proves every directory
 *  on the way real) ends at something that is not a symlink; otherwise ENAMETOOLONG, so the
 *  caller checks the components one by one. */
function realpathNative(p: fs.PathLike, opts?: fs.EncodingOption): string {
  if (typeof p !== 'string' || !tooLong(p)) return fs.realpathSync.native(p, opts) as string;
  return via(p, (q) => {
    if (fs.lstatSync(q).isSymbolicLink()) hostError('ENAMETOOLONG', 'name too long', p);
    return p;
  });
}

export const realpathSync = Object.assign(onPath(fs.realpathSync), { native: realpathNative }) as typeof fs.realpathSync;

// path_* handlers: everything that names a file by a path relative to a directory fd. Paths are
// resolved by the VFS inside the fd's scope (a preopen never lets `..`, an absolute path or a
// symlink lead outside it).
import { Lookupflags, Oflags, statusFlagsFromWasi } from './abi.js';
import { Errno, fail, SysError } from '../../errors/errno.js';
import { FileType } from '../../vfs/file_type.js';
import { Rights, RIGHTS_DIR_BASE, RIGHTS_DIR_INHERITING, rightsFor } from '../../kernel/rights.js';
import { FdTable, type FdEntry } from '../../kernel/fd_table.js';
import type { Task } from '../../kernel/task.js';
import type { Inode } from '../../vfs/inode.js';
import { PATH_MAX, utf8Length, type Chain } from '../../vfs/vfs.js';
import { FdAliasInode } from '../../fsimpl/devfs/devfs.js';
import { decodeTimes, dirWith, rightsArg, type Handler } from './util.js';

function last(chain: Chain): Inode {
  return chain[chain.length - 1]!;
}

/** Resolves (fd, path) to the chain of the named object. */
function resolveAt(t: Task, dir: FdEntry, path: string, follow: boolean): Chain {
  return t.kernel.vfs.resolve(dir.chain!, path, dir.scope!, follow);
}

/** Resolves (fd, path) to the directory an entry lives in and the entry's name. */
function parentAt(t: Task, dir: FdEntry, path: string) {
  return t.kernel.vfs.parentOf(dir.chain!, path, dir.scope!);
}

/** The entry name, or the error an operation on "." or ".." gets. */
function entryName(name: string, dotErr: Errno): string {
  if (name === '.' || name === '..') fail(dotErr);
  return name;
}

export const path_open: Handler = (t, a) => {
  const dirflags = a.u32(1);
  const oflags = a.u32(4) & 0xffff;
  const base = rightsArg(a, 5);
  const inheriting = rightsArg(a, 6);
  const fdflags = a.u32(7) & 0xffff;
  const outPtr = a.u32(8);
  const path = t.mem.string(a.u32(2), a.u32(3));
  t.mem.check(outPtr, 4);
  let needed = Rights.PATH_OPEN;
  if (oflags & Oflags.CREAT) needed |= Rights.PATH_CREATE_FILE;
  if (oflags & Oflags.TRUNC) needed |= Rights.PATH_FILESTAT_SET_SIZE;
  const dir = dirWith(t, a.u32(0), needed);
  if (oflags & ~(Oflags.CREAT | Oflags.DIRECTORY | Oflags.EXCL | Oflags.TRUNC)) fail(Errno.INVAL);
  // A new fd can only have rights its directory may hand down.
  if ((base & ~dir.rightsInheriting) !== 0 || (inheriting & ~dir.rightsInheriting) !== 0) fail(Errno.NOTCAPABLE);
  const follow = (dirflags & Lookupflags.SYMLINK_FOLLOW) !== 0;
  const vfs = t.kernel.vfs;

  let chain: Chain;
  if (oflags & Oflags.CREAT) {
    const { parent, name, trailingSlash } = parentAt(t, dir, path);
    const pdir = last(parent);
    let existing: Inode | null = null;
    if (name === '.' || name === '..') existing = last(resolveAt(t, dir, path, true));
    else {
      try {
        existing = vfs.lookupChild(pdir, name);
      } catch (e) {
        if (!(e instanceof SysError) || e.errno !== Errno.NOENT) throw e;
      }
    }
    if (existing) {
      if (oflags & Oflags.EXCL) fail(Errno.EXIST);
      chain = resolveAt(t, dir, path, follow);
    } else {
      if (trailingSlash || oflags & Oflags.DIRECTORY) fail(Errno.ISDIR);
      chain = [...parent, pdir.createFile(name)];
    }
  } else {
    chain = resolveAt(t, dir, path, follow);
  }
  const inode = last(chain);
  if (inode.type === FileType.SYMBOLIC_LINK) fail(Errno.LOOP); // O_NOFOLLOW on a symlink
  if (oflags & Oflags.DIRECTORY && inode.type !== FileType.DIRECTORY) fail(Errno.NOTDIR);
  const wantsWrite = (base & (Rights.FD_WRITE | Rights.FD_ALLOCATE | Rights.FD_FILESTAT_SET_SIZE)) !== 0;
  if (inode.type === FileType.DIRECTORY && (base & Rights.FD_WRITE) !== 0) fail(Errno.ISDIR);

  if (inode instanceof FdAliasInode) {
    // /dev/stdin, /dev/stdout, /dev/stderr: a new fd sharing the task's description.
    const src = t.fds.get(inode.fd);
    const fd = t.fds.install({ ...FdTable.dup(src), preopenName: undefined });
    t.mem.setU32(outPtr, fd);
    return Errno.SUCCESS;
  }
  if (oflags & Oflags.TRUNC) {
    if (inode.type === FileType.DIRECTORY) fail(Errno.ISDIR);
    if (inode.type === FileType.REGULAR_FILE) inode.truncate(0n);
  }
  const desc = inode.open({ read: (base & (Rights.FD_READ | Rights.FD_READDIR)) !== 0, write: wantsWrite });
  desc.statusFlags = statusFlagsFromWasi(fdflags);
  let entry: FdEntry;
  if (desc.filetype === FileType.DIRECTORY) {
    const rb = base & RIGHTS_DIR_BASE;
    // Each directory fd is a capability of its own: walks from it never climb above it
    // (the container root's `..` rule applies only to the root itself).
    const scope = { floor: chain.length, clampAtFloor: false, allowAbsolute: false };
    entry = { desc, rightsBase: rb, rightsInheriting: inheriting & RIGHTS_DIR_INHERITING, openedRights: rb, chain, scope };
  } else {
    const rb = base & rightsFor(desc).base;
    entry = { desc, rightsBase: rb, rightsInheriting: 0, openedRights: rb };
  }
  let fd: number;
  try {
    fd = t.fds.install(entry);
  } catch (e) {
    desc.release();
    throw e;
  }
  t.mem.setU32(outPtr, fd);
  return Errno.SUCCESS;
};

export const path_create_directory: Handler = (t, a) => {
  const path = t.mem.string(a.u32(1), a.u32(2));
  const dir = dirWith(t, a.u32(0), Rights.PATH_CREATE_DIRECTORY);
  const { parent, name } = parentAt(t, dir, path);
  const pdir = last(parent);
  entryName(name, Errno.EXIST);
  if (t.kernel.vfs.mountedAt(pdir, name)) fail(Errno.EXIST);
  pdir.createDirectory(name);
  return Errno.SUCCESS;
};

export const path_filestat_get: Handler = (t, a, L) => {
  const follow = (a.u32(1) & Lookupflags.SYMLINK_FOLLOW) !== 0;
  const path = t.mem.string(a.u32(2), a.u32(3));
  const buf = a.u32(4);
  const dir = dirWith(t, a.u32(0), Rights.PATH_FILESTAT_GET);
  const st = last(resolveAt(t, dir, path, follow)).stat();
  L.writeFilestat(t.mem, buf, st);
  return Errno.SUCCESS;
};

export const path_filestat_set_times: Handler = (t, a) => {
  const follow = (a.u32(1) & Lookupflags.SYMLINK_FOLLOW) !== 0;
  const path = t.mem.string(a.u32(2), a.u32(3));
  const [at, mt] = decodeTimes(a.u64(4), a.u64(5), a.u32(6) & 0xffff);
  const dir = dirWith(t, a.u32(0), Rights.PATH_FILESTAT_SET_TIMES);
  last(resolveAt(t, dir, path, follow)).setTimes(at, mt);
  return Errno.SUCCESS;
};

export const path_link: Handler = (t, a) => {
  const follow = (a.u32(1) & Lookupflags.SYMLINK_FOLLOW) !== 0;
  const oldPath = t.mem.string(a.u32(2), a.u32(3));
  const newPath = t.mem.string(a.u32(5), a.u32(6));
  const oldDir = dirWith(t, a.u32(0), Rights.PATH_LINK_SOURCE);
  const newDir = dirWith(t, a.u32(4), Rights.PATH_LINK_TARGET);
  const target = last(resolveAt(t, oldDir, oldPath, follow));
  if (target.type === FileType.DIRECTORY) fail(Errno.PERM);
  const { parent, name, trailingSlash } = parentAt(t, newDir, newPath);
  entryName(name, Errno.EXIST);
  if (trailingSlash) fail(Errno.NOENT);
  const pdir = last(parent);
  if (pdir.fs !== target.fs) fail(Errno.XDEV);
  pdir.link(name, target);
  return Errno.SUCCESS;
};

export const path_readlink: Handler = (t, a) => {
  const path = t.mem.string(a.u32(1), a.u32(2));
  const buf = a.u32(3);
  const bufLen = a.u32(4);
  const usedPtr = a.u32(5);
  t.mem.check(buf, bufLen);
  t.mem.check(usedPtr, 4);
  const dir = dirWith(t, a.u32(0), Rights.PATH_READLINK);
  const inode = last(resolveAt(t, dir, path, false));
  if (inode.type !== FileType.SYMBOLIC_LINK) fail(Errno.INVAL);
  t.mem.setU32(usedPtr, t.mem.writeString(buf, bufLen, inode.readlink()));
  return Errno.SUCCESS;
};

export const path_remove_directory: Handler = (t, a) => {
  const path = t.mem.string(a.u32(1), a.u32(2));
  const dir = dirWith(t, a.u32(0), Rights.PATH_REMOVE_DIRECTORY);
  const { parent, name } = parentAt(t, dir, path);
  if (name === '.') fail(Errno.INVAL);
  if (name === '..') fail(Errno.NOTEMPTY);
  const pdir = last(parent);
  if (t.kernel.vfs.mountedAt(pdir, name)) fail(Errno.BUSY);
  pdir.rmdir(name);
  return Errno.SUCCESS;
};

export const path_rename: Handler = (t, a) => {
  const oldPath = t.mem.string(a.u32(1), a.u32(2));
  const newPath = t.mem.string(a.u32(4), a.u32(5));
  const oldDir = dirWith(t, a.u32(0), Rights.PATH_RENAME_SOURCE);
  const newDir = dirWith(t, a.u32(3), Rights.PATH_RENAME_TARGET);
  const src = parentAt(t, oldDir, oldPath);
  const dst = parentAt(t, newDir, newPath);
  entryName(src.name, Errno.BUSY);
  entryName(dst.name, Errno.BUSY);
  const vfs = t.kernel.vfs;
  const sdir = last(src.parent);
  const ddir = last(dst.parent);
  if (vfs.mountedAt(sdir, src.name) || vfs.mountedAt(ddir, dst.name)) fail(Errno.BUSY);
  const moving = vfs.lookupChild(sdir, src.name);
  if ((src.trailingSlash || dst.trailingSlash) && moving.type !== FileType.DIRECTORY) fail(Errno.NOTDIR);
  if (sdir.fs !== ddir.fs) fail(Errno.XDEV);
  sdir.rename(src.name, ddir, dst.name);
  return Errno.SUCCESS;
};

export const path_symlink: Handler = (t, a) => {
  const target = t.mem.string(a.u32(0), a.u32(1));
  const newPath = t.mem.string(a.u32(3), a.u32(4));
  const dir = dirWith(t, a.u32(2), Rights.PATH_SYMLINK);
  if (target === '') fail(Errno.NOENT);
  // The target is only text (an absolute one too: following it is what the walk confines), but
  // no longer than a path, as symlink(2) has it.
  if (utf8Length(target) >= PATH_MAX) fail(Errno.NAMETOOLONG);
  const { parent, name, trailingSlash } = parentAt(t, dir, newPath);
  entryName(name, Errno.EXIST);
  if (trailingSlash) fail(Errno.NOENT);
  const pdir = last(parent);
  if (t.kernel.vfs.mountedAt(pdir, name)) fail(Errno.EXIST);
  pdir.createSymlink(name, target);
  return Errno.SUCCESS;
};

export const path_unlink_file: Handler = (t, a) => {
  const path = t.mem.string(a.u32(1), a.u32(2));
  const dir = dirWith(t, a.u32(0), Rights.PATH_UNLINK_FILE);
  const { parent, name, trailingSlash } = parentAt(t, dir, path);
  entryName(name, Errno.ISDIR);
  const pdir = last(parent);
  const vfs = t.kernel.vfs;
  if (vfs.mountedAt(pdir, name)) fail(Errno.ISDIR);
  const victim = vfs.lookupChild(pdir, name);
  if (victim.type === FileType.DIRECTORY) fail(Errno.ISDIR);
  if (trailingSlash) fail(Errno.NOTDIR);
  pdir.unlink(name);
  return Errno.SUCCESS;
};

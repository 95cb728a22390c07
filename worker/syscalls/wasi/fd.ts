// fd_* handlers: reading, writing, seeking, stat, flags and rights of open file descriptions.
import { Advice, FDFLAGS_ALL, Preopentype, statusFlagsFromWasi, wasiFdflags, wasiFiletype } from './abi.js';
import { Errno, fail, SysError } from '../../errors/errno.js';
import { FileType, Whence } from '../../vfs/file_type.js';
import { Rights } from '../../kernel/rights.js';
import { Signal } from '../../kernel/signals.js';
import type { Task } from '../../kernel/task.js';
import type { FdEntry } from '../../kernel/fd_table.js';
import { writeFdstat } from './layout.js';
import { directoryListing } from '../../vfs/dir_stream.js';
import { decodeTimes, fdWith, rightsArg, type Handler } from './util.js';

const encoder = new TextEncoder();

/** Writes a byte count result and answers SUCCESS; used by the read/write family. */
function finish(t: { mem: { setU32(p: number, v: number): void } }, ptr: number, n: number | Promise<number>): number | Promise<number> {
  if (typeof n === 'number') {
    t.mem.setU32(ptr, n);
    return Errno.SUCCESS;
  }
  return n.then((v) => {
    t.mem.setU32(ptr, v);
    return Errno.SUCCESS;
  });
}

export const fd_read: Handler = (t, a) => {
  const e = fdWith(t, a.u32(0), Rights.FD_READ);
  const iovs = t.mem.iovecs(a.u32(1), a.u32(2));
  t.mem.check(a.u32(3), 4);
  return finish(t, a.u32(3), e.desc.read(iovs));
};

export const fd_write: Handler = (t, a) => {
  const e = fdWith(t, a.u32(0), Rights.FD_WRITE);
  const iovs = t.mem.iovecs(a.u32(1), a.u32(2));
  t.mem.check(a.u32(3), 4);
  let r: number | Promise<number>;
  try {
    r = e.desc.write(iovs);
  } catch (err) {
    brokenPipe(t, err);
    throw err;
  }
  if (typeof r !== 'number') r = r.catch((err) => {
    brokenPipe(t, err);
    throw err;
  });
  return finish(t, a.u32(3), r);
};

/**
 * SIGPIPE for a WASI program: the first write to a pipe with no readers fails with EPIPE (WASI
 * has no signals, so a program can notice and stop); a program that writes again anyway is
 * ended as SIGPIPE would end it (128+13), so `yes | head` always finishes.
 */
function brokenPipe(t: Task, err: unknown): void {
  if (!(err instanceof SysError) || err.errno !== Errno.PIPE) return;
  if (t.sawBrokenPipe) t.handleSignal(Signal.PIPE);
  t.sawBrokenPipe = true;
}

/** fd_pread and fd_pwrite: the same decoding, the description's positioned read or write. */
function positioned(right: number, op: (e: FdEntry, iovs: Uint8Array[], offset: number) => number): Handler {
  return (t, a) => {
    const e = fdWith(t, a.u32(0), right | Rights.FD_SEEK);
    const iovs = t.mem.iovecs(a.u32(1), a.u32(2));
    const off = a.u64n(3);
    t.mem.check(a.u32(4), 4);
    t.mem.setU32(a.u32(4), op(e, iovs, off));
    return Errno.SUCCESS;
  };
}

export const fd_pread = positioned(Rights.FD_READ, (e, iovs, off) => e.desc.pread(iovs, off));
export const fd_pwrite = positioned(Rights.FD_WRITE, (e, iovs, off) => e.desc.pwrite(iovs, off));

export const fd_seek: Handler = (t, a, L) => {
  const offset = a.i64n(1);
  const whence = L.whence(a.u32(2) & 0xff);
  // Asking only where we are needs FD_TELL, anything else FD_SEEK.
  const right = offset === 0 && whence === Whence.CUR ? Rights.FD_TELL : Rights.FD_SEEK;
  const e = t.fds.get(a.u32(0));
  // A directory has no offset: EBADF, as in wasmtime (never ESPIPE, it is no pipe).
  if (e.desc.filetype === FileType.DIRECTORY) fail(Errno.BADF);
  if ((e.rightsBase & right) === 0 && (e.rightsBase & Rights.FD_SEEK) === 0) {
    fail(e.desc.filetype === FileType.REGULAR_FILE ? Errno.NOTCAPABLE : Errno.SPIPE);
  }
  t.mem.check(a.u32(3), 8);
  t.mem.setU64n(a.u32(3), e.desc.seek(offset, whence));
  return Errno.SUCCESS;
};

export const fd_tell: Handler = (t, a) => {
  const e = t.fds.get(a.u32(0));
  if (e.desc.filetype === FileType.DIRECTORY) fail(Errno.BADF);
  if ((e.rightsBase & Rights.FD_TELL) === 0) {
    fail(e.desc.filetype === FileType.REGULAR_FILE ? Errno.NOTCAPABLE : Errno.SPIPE);
  }
  t.mem.check(a.u32(1), 8);
  t.mem.setU64n(a.u32(1), e.desc.tell());
  return Errno.SUCCESS;
};

export const fd_close: Handler = (t, a) => {
  t.fds.close(a.u32(0));
  return Errno.SUCCESS;
};

export const fd_renumber: Handler = (t, a) => {
  t.fds.renumber(a.u32(0), a.u32(1));
  return Errno.SUCCESS;
};

/** Answers SUCCESS now, or once a sync that waits for storage has finished. */
function synced(r: void | Promise<void>): number | Promise<number> {
  return r instanceof Promise ? r.then(() => Errno.SUCCESS) : Errno.SUCCESS;
}

export const fd_sync: Handler = (t, a) => synced(fdWith(t, a.u32(0), Rights.FD_SYNC).desc.sync());

export const fd_datasync: Handler = (t, a) => synced(fdWith(t, a.u32(0), Rights.FD_DATASYNC).desc.datasync());

export const fd_advise: Handler = (t, a) => {
  const e = fdWith(t, a.u32(0), Rights.FD_ADVISE);
  const offset = a.u64(1);
  const len = a.u64(2);
  const advice = a.u32(3) & 0xff;
  if (advice > Advice.NOREUSE) fail(Errno.INVAL);
  if (offset > BigInt(Number.MAX_SAFE_INTEGER) || len > BigInt(Number.MAX_SAFE_INTEGER)) fail(Errno.INVAL);
  if (e.desc.filetype !== FileType.REGULAR_FILE && e.desc.filetype !== FileType.DIRECTORY) fail(Errno.SPIPE);
  // Advice only: everything is in memory, so there is nothing to prefetch or drop.
  return Errno.SUCCESS;
};

export const fd_allocate: Handler = (t, a) => {
  const e = fdWith(t, a.u32(0), Rights.FD_ALLOCATE);
  e.desc.allocate(a.u64(1), a.u64(2));
  return Errno.SUCCESS;
};

export const fd_fdstat_get: Handler = (t, a) => {
  const e = t.fds.get(a.u32(0));
  writeFdstat(t.mem, a.u32(1), wasiFiletype(e.desc.filetype), wasiFdflags(e.desc.statusFlags), e.rightsBase, e.rightsInheriting);
  return Errno.SUCCESS;
};

export const fd_fdstat_set_flags: Handler = (t, a) => {
  const e = fdWith(t, a.u32(0), Rights.FD_FDSTAT_SET_FLAGS);
  const flags = a.u32(1) & 0xffff;
  if (flags & ~FDFLAGS_ALL) fail(Errno.INVAL);
  // DSYNC/RSYNC/SYNC are kept and reported; every write here is complete when it returns.
  e.desc.statusFlags = statusFlagsFromWasi(flags);
  e.desc.readinessChanged.notify();
  return Errno.SUCCESS;
};

export const fd_fdstat_set_rights: Handler = (t, a) => {
  const e = t.fds.get(a.u32(0));
  const base = rightsArg(a, 1);
  const inheriting = rightsArg(a, 2);
  // Rights can only be dropped, never gained.
  if ((base & ~e.rightsBase) !== 0 || (inheriting & ~e.rightsInheriting) !== 0) fail(Errno.NOTCAPABLE);
  e.rightsBase = base;
  e.rightsInheriting = inheriting;
  return Errno.SUCCESS;
};

export const fd_filestat_get: Handler = (t, a, L) => {
  const e = fdWith(t, a.u32(0), Rights.FD_FILESTAT_GET);
  L.writeFilestat(t.mem, a.u32(1), e.desc.stat());
  return Errno.SUCCESS;
};

export const fd_filestat_set_size: Handler = (t, a) => {
  const e = fdWith(t, a.u32(0), Rights.FD_FILESTAT_SET_SIZE);
  if (e.desc.filetype === FileType.DIRECTORY) fail(Errno.ISDIR);
  if (e.desc.filetype !== FileType.REGULAR_FILE) fail(Errno.INVAL);
  e.desc.setSize(a.u64(1));
  return Errno.SUCCESS;
};

export const fd_filestat_set_times: Handler = (t, a) => {
  const e = fdWith(t, a.u32(0), Rights.FD_FILESTAT_SET_TIMES);
  const [at, mt] = decodeTimes(a.u64(1), a.u64(2), a.u32(3) & 0xffff);
  e.desc.setTimes(at, mt);
  return Errno.SUCCESS;
};

export const fd_prestat_get: Handler = (t, a) => {
  const e = t.fds.get(a.u32(0));
  if (e.preopenName === undefined) fail(Errno.BADF);
  const ptr = a.u32(1);
  t.mem.check(ptr, 8);
  t.mem.setU32(ptr, Preopentype.DIR);
  t.mem.setU32(ptr + 4, encoder.encode(e.preopenName).length);
  return Errno.SUCCESS;
};

export const fd_prestat_dir_name: Handler = (t, a) => {
  const e = t.fds.get(a.u32(0));
  if (e.preopenName === undefined) fail(Errno.BADF);
  const name = encoder.encode(e.preopenName);
  const len = a.u32(2);
  if (len < name.length) fail(Errno.NAMETOOLONG);
  t.mem.check(a.u32(1), name.length);
  t.mem.u8.set(name, a.u32(1));
  return Errno.SUCCESS;
};

export const fd_readdir: Handler = (t, a) => {
  const fdnum = a.u32(0);
  if (t.fds.get(fdnum).desc.filetype !== FileType.DIRECTORY) fail(Errno.NOTDIR);
  const e = fdWith(t, fdnum, Rights.FD_READDIR);
  const buf = a.u32(1);
  const bufLen = a.u32(2);
  const cookie = a.u64(3);
  const usedPtr = a.u32(4);
  t.mem.check(buf, bufLen);
  t.mem.check(usedPtr, 4);
  if (e.desc.filetype !== FileType.DIRECTORY) fail(Errno.NOTDIR);
  // Cookie k resumes at entry k of the listing taken when the stream started (cookie 0).
  const entries = directoryListing(e.desc, cookie === 0n, () => {
    const dir = e.desc.inode!;
    const chain = e.chain!;
    const parent = chain.length > 1 ? chain[chain.length - 2]! : dir;
    const list = [
      { name: '.', ino: dir.ino, type: FileType.DIRECTORY },
      { name: '..', ino: parent.ino, type: FileType.DIRECTORY },
      ...e.desc.readdir(),
    ];
    const mounted = t.kernel.vfs.mountNamesIn(dir);
    if (mounted.length > 0) {
      const seen = new Set(list.map((d) => d.name));
      for (const name of mounted) if (!seen.has(name)) list.push({ name, ino: 0n, type: FileType.DIRECTORY });
    }
    return list;
  });
  let used = 0;
  const header = new Uint8Array(24);
  const hv = new DataView(header.buffer);
  for (let i = Number(cookie > BigInt(entries.length) ? BigInt(entries.length) : cookie); i < entries.length && used < bufLen; i++) {
    const d = entries[i]!;
    const name = encoder.encode(d.name);
    hv.setBigUint64(0, BigInt(i + 1), true);
    hv.setBigUint64(8, d.ino, true);
    hv.setUint32(16, name.length, true);
    hv.setUint8(20, wasiFiletype(d.type));
    const rec = new Uint8Array(24 + name.length);
    rec.set(header);
    rec.set(name, 24);
    const n = Math.min(rec.length, bufLen - used);
    t.mem.u8.set(rec.subarray(0, n), buf + used);
    used += n;
  }
  t.mem.setU32(usedPtr, used);
  return Errno.SUCCESS;
};

// FdTable: a task's file descriptor table. Each entry points at a shared FileDescription and
// carries the fd's own capability rights (base and inheriting), the rights it was opened with (so a
// write on a read-only fd is EBADF while a right dropped later is ENOTCAPABLE), and, for
// preopened directories, the name fd_prestat_dir_name reports and the walk scope.
import { Errno, fail } from '../errors/errno.js';
import type { FileDescription } from '../vfs/file_description.js';
import type { Chain, WalkScope } from '../vfs/vfs.js';

export interface FdEntry {
  desc: FileDescription;
  /** Capability rights (kernel/rights.ts): what the fd may do, and hand down to what it opens. */
  rightsBase: number;
  rightsInheriting: number;
  /** rightsBase when the fd was created. */
  openedRights: number;
  /** For directories: where the directory is in the namespace (walks start here). */
  chain?: Chain;
  /** For directories: how walks from this fd are confined. */
  scope?: WalkScope;
  /** For preopens: the name fd_prestat_dir_name reports. */
  preopenName?: string;
}

/** Most fds one task may have open (RLIMIT_NOFILE). */
export const MAX_FDS = 1024;

export class FdTable {
  private readonly entries = new Map<number, FdEntry>();
  /** Moves on whenever an fd is installed, closed or renumbered (not when rights shrink). */
  generation = 0;

  get(fd: number): FdEntry {
    return this.entries.get(fd) ?? fail(Errno.BADF);
  }

  has(fd: number): boolean {
    return this.entries.has(fd);
  }

  /** Installs entry at the lowest free fd (or exactly at `at`), taking a reference. */
  install(entry: FdEntry, at?: number): number {
    let fd = at ?? 0;
    if (at === undefined) {
      while (this.entries.has(fd)) fd++;
    } else if (this.entries.has(at)) {
      this.close(at);
    }
    if (fd >= MAX_FDS || this.entries.size >= MAX_FDS) fail(Errno.MFILE);
    entry.desc.refs++;
    this.entries.set(fd, entry);
    this.generation++;
    return fd;
  }

  /** Closes fd, releasing its description when no fd refers to it any more. */
  close(fd: number): void {
    const e = this.entries.get(fd) ?? fail(Errno.BADF);
    this.entries.delete(fd);
    this.generation++;
    if (--e.desc.refs === 0) e.desc.release();
  }

  /**
   * fd_renumber: from's entry becomes fd `to` (rights, and for a preopen its name and walk
   * scope, move with it), what `to` held is closed first, and `from` is closed. Both must be
   * open, else EBADF and nothing changes; from === to changes nothing. As wasmtime's preview1
   * (crates/wasi/src/p1.rs, see test/programs/README.md): no fd number is ever created here.
   */
  renumber(from: number, to: number): void {
    const e = this.get(from);
    this.get(to); // a `to` that is not open is EBADF, as in wasmtime and node:wasi
    if (from === to) return;
    this.close(to);
    this.entries.delete(from);
    this.entries.set(to, e);
    this.generation++;
  }

  /** Closes every fd (task exit). */
  closeAll(): void {
    for (const fd of [...this.entries.keys()]) this.close(fd);
  }

  /** The fds and their entries, in no particular order. */
  entriesView(): IterableIterator<[number, FdEntry]> {
    return this.entries.entries();
  }

  fds(): number[] {
    return [...this.entries.keys()].sort((a, b) => a - b);
  }

  /** A copy of an entry, sharing the description (dup). */
  static dup(e: FdEntry): FdEntry {
    return { ...e };
  }
}

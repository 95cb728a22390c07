// WriteBehind: which of a task's fds its process may write to without waiting for the kernel
// (the platform's write-behind: ProcessSpec.writeBehindFds), and the kernel's side of it. At
// spawn, stdout and stderr qualify when their description is a write-behind sink (the command's
// host stdout/stderr) and the fd may write; after every call the task makes, an fd whose entry
// was closed, moved or lost FD_WRITE stops qualifying (the platform is told before the call is
// answered, so no later write is queued for it). Never under strace: every write is then seen.
import type { FileDescription } from '../vfs/file_description.js';
import type { FdEntry } from './fd_table.js';
import { Rights } from './rights.js';
import type { Task } from './task.js';

/** The fds that may be write-behind (the platform's bit set has room for fds below 32). */
const CANDIDATES = [1, 2];

export class WriteBehind {
  /** The fd entries being watched, as they were at spawn. */
  private readonly watched = new Map<number, FdEntry>();
  /** The description each write-behind fd had (queued writes go there even after a change). */
  private readonly sinks = new Map<number, FileDescription>();

  constructor(private readonly task: Task, strace: boolean) {
    if (strace) return;
    for (const fd of CANDIDATES) {
      if (!task.fds.has(fd)) continue;
      const e = task.fds.get(fd);
      if (!e.desc.writesBehind || !(e.rightsBase & Rights.FD_WRITE)) continue;
      this.watched.set(fd, e);
      this.sinks.set(fd, e.desc);
    }
  }

  /** The fds to hand the platform at spawn. */
  get fds(): number[] {
    return [...this.watched.keys()];
  }

  /** Whether there is anything to re-check after a call. */
  get active(): boolean {
    return this.watched.size > 0;
  }

  /** After a call: ends write-behind for every fd whose entry is no longer the one watched. */
  recheck(): void {
    for (const [fd, e] of this.watched) {
      const fds = this.task.fds;
      if (fds.has(fd) && fds.get(fd) === e && e.rightsBase & Rights.FD_WRITE) continue;
      this.watched.delete(fd);
      this.task.handle?.endWriteBehind(fd);
    }
  }

  /**
   * Writes what the process queued on fd. False when it failed: the fd stops being write-behind
   * and the program's next write to it, served directly, gets the error (EPIPE, EIO, ...).
   */
  deliver(fd: number, iovs: Uint8Array[]): boolean {
    const desc = this.sinks.get(fd);
    if (!desc) return false;
    try {
      const n = desc.write(iovs);
      if (typeof n !== 'number') {
        n.catch(() => {});
        return false;
      }
      return true;
    } catch {
      return false;
    }
  }
}

// DirectReads: which of a task's fds its process may pread itself from a host fd (the
// platform's direct reads, ProcessHandle.setDirectRead): an fd whose description names one
// (a readable host file, FileDescription.directReadFd) and which has FD_READ and FD_SEEK. Kept
// in step after every call the task makes, before the call is answered: an fd closed, moved or
// stripped of a right stops being direct, a new one becomes direct. Never under strace.
import type { FdEntry } from './fd_table.js';
import { Rights } from './rights.js';
import type { Task } from './task.js';

/** Fds the platform's table has room for. */
const MAX_DIRECT_FD = 64;
const NEEDED = Rights.FD_READ | Rights.FD_SEEK;

export class DirectReads {
  /** The fds handed to the platform: their entry and host fd as handed. */
  private readonly given = new Map<number, { entry: FdEntry; hostFd: number }>();
  private seenGeneration = -1;

  constructor(private readonly task: Task, readonly enabled: boolean) {}

  /** After a call (and once at start): tells the platform what changed. */
  sync(): void {
    if (!this.enabled) return;
    const handle = this.task.handle;
    if (!handle) return;
    const fds = this.task.fds;
    for (const [fd, g] of this.given) {
      if (fds.has(fd) && fds.get(fd) === g.entry && (g.entry.rightsBase & NEEDED) === NEEDED && g.entry.desc.directReadFd === g.hostFd) continue;
      this.given.delete(fd);
      handle.setDirectRead(fd, null);
    }
    if (fds.generation === this.seenGeneration) return;
    this.seenGeneration = fds.generation;
    for (const [fd, entry] of fds.entriesView()) {
      if (fd >= MAX_DIRECT_FD || this.given.has(fd) || (entry.rightsBase & NEEDED) !== NEEDED) continue;
      const hostFd = entry.desc.directReadFd;
      if (hostFd === null) continue;
      this.given.set(fd, { entry, hostFd });
      handle.setDirectRead(fd, hostFd);
    }
  }
}

// DirectFds: which of a task's fds its process may serve itself on a host fd (the platform's
// direct fds, ProcessHandle.setDirectFd): positioned reads of an fd whose description offers a
// host fd to read (a readable host file, FileDescription.directReadFd) and which has FD_READ and
// FD_SEEK; writes to an fd whose description offers one to write (the command's host stdout and
// stderr, FileDescription.directWriteFd) and which has FD_WRITE. Kept in step after every call
// the task makes, before the call is answered: an fd closed, moved or stripped of a right stops
// being direct, a new one becomes direct. Since the process writes only while it is not in a
// call, and the kernel writes for it only in one, their writes to a host fd stay in program
// order. Never under strace (every call is then seen).
import type { DirectKind } from '../platform/platform.js';
import type { FdEntry } from './fd_table.js';
import { Rights } from './rights.js';
import type { Task } from './task.js';

/** Fds the platform's tables have room for. */
const MAX_DIRECT_FD = 64;

const KINDS: { kind: DirectKind; rights: number; hostFd: (e: FdEntry) => number | null }[] = [
  { kind: 'read', rights: Rights.FD_READ | Rights.FD_SEEK, hostFd: (e) => e.desc.directReadFd },
  { kind: 'write', rights: Rights.FD_WRITE, hostFd: (e) => e.desc.directWriteFd },
];

export class DirectFds {
  /** What was handed to the platform, per kind: fd → its entry and host fd. */
  private readonly given = new Map<DirectKind, Map<number, { entry: FdEntry; hostFd: number }>>(KINDS.map((k) => [k.kind, new Map()]));
  private seenGeneration = -1;
  /** Entries in `given`, of every kind. */
  private givenCount = 0;

  constructor(private readonly task: Task, readonly enabled: boolean) {}

  /** After a call (and once at start): tells the platform what changed. */
  sync(): void {
    if (!this.enabled) return;
    const handle = this.task.handle;
    if (!handle) return;
    const fds = this.task.fds;
    // Most calls change nothing: with nothing handed out and the table as it was, no walk.
    if (this.givenCount === 0 && fds.generation === this.seenGeneration) return;
    for (const { kind, rights, hostFd } of KINDS) {
      for (const [fd, g] of this.given.get(kind)!) {
        if (fds.has(fd) && fds.get(fd) === g.entry && (g.entry.rightsBase & rights) === rights && hostFd(g.entry) === g.hostFd) continue;
        this.given.get(kind)!.delete(fd);
        this.givenCount--;
        handle.setDirectFd(kind, fd, null);
      }
    }
    if (fds.generation === this.seenGeneration) return;
    this.seenGeneration = fds.generation;
    for (const [fd, entry] of fds.entriesView()) {
      if (fd >= MAX_DIRECT_FD) continue;
      for (const { kind, rights, hostFd } of KINDS) {
        const given = this.given.get(kind)!;
        if (given.has(fd) || (entry.rightsBase & rights) !== rights) continue;
        const h = hostFd(entry);
        if (h === null) continue;
        given.set(fd, { entry, hostFd: h });
        this.givenCount++;
        handle.setDirectFd(kind, fd, h);
      }
    }
  }
}

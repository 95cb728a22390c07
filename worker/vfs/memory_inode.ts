// MemoryInode: the part of an inode that file systems keeping their inodes in memory share (tmpfs,
// idbfs): the link count and the three times, with modification times stamped lazily — a write
// only notes Date.now() (a coarse clock like the one Linux stamps tmpfs files with, and much
// cheaper than building BigInts on every write), turned into mtim/ctim when looked at.
import { nowNs, Inode, type Stat } from './inode.js';

export interface InodeTimes {
  atim: bigint;
  mtim: bigint;
  ctim: bigint;
}

export abstract class MemoryInode extends Inode {
  nlink = 1;
  atim: bigint;
  mtim: bigint;
  ctim: bigint;
  /** Time of the last unstamped modification (ms since the epoch), or null. */
  private touchedAt: number | null = null;

  constructor(times?: InodeTimes) {
    super();
    if (times) {
      this.atim = times.atim;
      this.mtim = times.mtim;
      this.ctim = times.ctim;
    } else {
      this.atim = this.mtim = this.ctim = nowNs();
    }
  }

  protected abstract size(): number;

  /** Called after the inode's metadata changed (a file system that stores inodes marks it). */
  changed(): void {}

  /** Stamps a pending modification time. */
  settle(): void {
    if (this.touchedAt === null) return;
    this.mtim = this.ctim = BigInt(this.touchedAt) * 1000000n;
    this.touchedAt = null;
  }

  stat(): Stat {
    this.settle();
    return {
      dev: this.fs.dev, ino: this.ino, filetype: this.type, nlink: BigInt(this.nlink),
      size: BigInt(this.size()), atim: this.atim, mtim: this.mtim, ctim: this.ctim,
    };
  }

  override setTimes(atim: bigint | null, mtim: bigint | null): void {
    this.settle();
    if (atim !== null) this.atim = atim;
    if (mtim !== null) this.mtim = mtim;
    this.ctim = nowNs();
    this.changed();
  }

  /** Notes a modification now (stamped at the next look). */
  touch(): void {
    this.touchedAt = Date.now();
    this.changed();
  }
}

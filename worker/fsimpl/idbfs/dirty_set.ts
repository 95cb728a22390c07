// DirtySet: which stored keys may differ from memory. It names keys only, never values: a flush
// writes, for each dirty key, what memory holds at that instant (a put), or deletes the key when
// memory no longer has the object (an unlinked inode, a chunk cut off by truncation). So the
// invariant "stored keys ⊆ memory's keys ∪ dirty keys" is all that deletion needs, and restoring
// a failed flush is a plain union.

export class DirtySet {
  superblock = false;
  /** Inode numbers whose 'i:<ino>' record is dirty. */
  readonly inodes = new Set<number>();
  /** Inode number → chunk indices whose 'c:<ino>:<index>' record is dirty. */
  readonly chunks = new Map<number, Set<number>>();

  markInode(ino: number): void {
    this.inodes.add(ino);
  }

  markChunk(ino: number, index: number): void {
    let set = this.chunks.get(ino);
    if (!set) this.chunks.set(ino, (set = new Set()));
    set.add(index);
  }

  /** Number of dirty keys. */
  get size(): number {
    let n = (this.superblock ? 1 : 0) + this.inodes.size;
    for (const set of this.chunks.values()) n += set.size;
    return n;
  }

  isEmpty(): boolean {
    return !this.superblock && this.inodes.size === 0 && this.chunks.size === 0;
  }

  /** Adds every key of other (a snapshot whose flush failed) back into this set. */
  merge(other: DirtySet): void {
    if (other.superblock) this.superblock = true;
    for (const ino of other.inodes) this.inodes.add(ino);
    for (const [ino, set] of other.chunks) for (const index of set) this.markChunk(ino, index);
  }
}

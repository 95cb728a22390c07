// readWholeFile: a regular file's bytes, read through its FileDescription (used by the api's
// fs.readFile and run, and by the shell to load programs); concatBytes: pieces read or written
// one after another, as one buffer.
import { Errno, SysError } from '../errors/errno.js';
import { FileType } from './file_type.js';
import type { Inode } from './inode.js';

export function readWholeFile(inode: Inode): Uint8Array {
  if (inode.type === FileType.DIRECTORY) throw new SysError(Errno.ISDIR);
  const desc = inode.open({ read: true, write: false });
  try {
    const size = Number(inode.stat().size);
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      // The stat size first (one read for a regular file), then whatever more there is.
      const buf = new Uint8Array(Math.max(65536, size - total));
      const n = desc.read([buf]);
      if (typeof n !== 'number') throw new SysError(Errno.AGAIN, 'file would block');
      if (n === 0) break;
      chunks.push(buf.subarray(0, n));
      total += n;
    }
    return chunks.length === 1 ? chunks[0]! : concatBytes(chunks, total);
  } finally {
    desc.release();
  }
}

/** The chunks one after another in one new buffer; total is their summed length. */
export function concatBytes(chunks: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}

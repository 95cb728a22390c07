// openFile: opens a path for the kernel's own callers that are not system calls — the shell's
// redirections, the api's fs.readFile/writeFile, the container runtime's state files — with one
// set of rules. A final symlink is followed (as open(2) without O_NOFOLLOW): `> link` writes the
// file the link names; a dangling final symlink is EEXIST (the link is never replaced by a file).
// Writing creates a missing file in an existing directory; 'write' truncates, 'append' appends.
import { Errno, SysError } from '../errors/errno.js';
import { FileType, StatusFlags } from './file_type.js';
import type { FileDescription } from './file_description.js';
import type { Inode } from './inode.js';
import type { Chain, VirtualFilesystem, WalkScope } from './vfs.js';

export type OpenMode = 'read' | 'write' | 'append';

/** The inode at path (following a final symlink), creating a regular file when writing. */
export function openInode(vfs: VirtualFilesystem, start: Chain, path: string, scope: WalkScope, mode: OpenMode): Inode {
  let inode: Inode;
  if (mode === 'read') {
    const chain = vfs.resolve(start, path, scope);
    inode = chain[chain.length - 1]!;
  } else {
    try {
      const chain = vfs.resolve(start, path, scope);
      inode = chain[chain.length - 1]!;
    } catch (e) {
      if (!(e instanceof SysError) || e.errno !== Errno.NOENT) throw e;
      const { parent, name } = vfs.parentOf(start, path, scope);
      inode = parent[parent.length - 1]!.createFile(name);
    }
  }
  if (inode.type === FileType.DIRECTORY) throw new SysError(Errno.ISDIR, `${path} is a directory`);
  return inode;
}

/** Opens path: see the header for the rules. */
export function openFile(vfs: VirtualFilesystem, start: Chain, path: string, scope: WalkScope, mode: OpenMode): FileDescription {
  const inode = openInode(vfs, start, path, scope, mode);
  if (mode === 'write' && inode.type === FileType.REGULAR_FILE) inode.truncate(0n);
  const desc = inode.open({ read: mode === 'read', write: mode !== 'read' });
  if (mode === 'append') desc.statusFlags |= StatusFlags.APPEND;
  return desc;
}

/** Creates or replaces the regular file at path with bytes (one write). */
export function writeWholeFile(vfs: VirtualFilesystem, start: Chain, path: string, scope: WalkScope, bytes: Uint8Array): void {
  const desc = openFile(vfs, start, path, scope, 'write');
  try {
    if (desc.filetype !== FileType.REGULAR_FILE) throw new SysError(Errno.INVAL, `${path} is not a regular file`);
    const n = desc.write([bytes]);
    if (n !== bytes.length) throw new SysError(Errno.IO, 'short write');
  } finally {
    desc.release();
  }
}

// mkdirAll: makes sure a directory path exists below a root (mkdir -p), crossing mounts the way
// a walk does; every existing component must be a directory. For the kernel's own callers
// (machine assembly, the container runtime), not for system calls.
import { Errno, SysError } from '../errors/errno.js';
import { FileType } from './file_type.js';
import type { Inode } from './inode.js';
import type { VirtualFilesystem } from './vfs.js';

/** The directory at path below root, created with its parents where missing. */
export function mkdirAll(vfs: VirtualFilesystem, root: Inode, path: string): Inode {
  let dir = root;
  for (const name of path.split('/').filter(Boolean)) {
    let child: Inode;
    try {
      child = vfs.lookupChild(dir, name);
    } catch (e) {
      if (!(e instanceof SysError) || e.errno !== Errno.NOENT) throw e;
      child = dir.createDirectory(name);
    }
    if (child.type !== FileType.DIRECTORY) throw new SysError(Errno.NOTDIR, `${path}: ${name} is not a directory`);
    dir = child;
  }
  return dir;
}

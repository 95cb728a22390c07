// The machine's RootfsFactory: puts a container's root together from the file systems the
// machine owns — the image's layers as a read-only Imagefs under an Overlayfs whose upper is the
// container's directory in the machine's store (so what a container writes is kept, in
// IndexedDB in the page, until it is deleted), or a bundle's rootfs directory as it is — then
// mounts /dev, /proc and the bundle's tmpfs and bind mounts inside it. release() unmounts them.
import { Errno, SysError } from '../errors/errno.js';
import type { Kernel } from '../kernel/kernel.js';
import { mkdirAll } from '../vfs/mkdir_all.js';
import type { Filesystem } from '../vfs/filesystem.js';
import type { Inode } from '../vfs/inode.js';
import type { Mount } from '../vfs/vfs.js';
import { Devfs } from '../fsimpl/devfs/devfs.js';
import { Procfs, type ProcSource } from '../fsimpl/procfs/procfs.js';
import { Tmpfs } from '../fsimpl/tmpfs/tmpfs.js';
import { Imagefs, type ImageDir } from '../fsimpl/imagefs/imagefs.js';
import { Overlayfs } from '../fsimpl/overlay/overlay.js';
import type { RootfsFactory } from '../oci/runtime.js';

/** A directory of the machine seen again at another place (a bind mount). */
class BindFs implements Filesystem {
  readonly type = 'bind';
  readonly dev: bigint;
  constructor(readonly root: Inode, readonly readonly: boolean) {
    this.dev = root.fs.dev;
  }
}

/** The directory a mount at path goes into (created with its parents), and the mount's name. */
function mkdirIn(k: Kernel, root: Inode, path: string): { parent: Inode; name: string } {
  const names = path.split('/').filter(Boolean);
  if (names.length === 0) throw new SysError(Errno.INVAL, 'cannot mount over the container root');
  return { parent: mkdirAll(k.vfs, root, names.slice(0, -1).join('/')), name: names[names.length - 1]! };
}

export function containerRoots(k: Kernel, proc: ProcSource): RootfsFactory {
  return {
    build(spec) {
      let root: Inode;
      if (spec.tree) {
        const lower = new Imagefs(spec.tree as unknown as ImageDir);
        root = new Overlayfs([lower.root], spec.upper!).root;
      } else {
        root = spec.bundleRoot!;
      }
      const mounts: Mount[] = [];
      const at = (dir: Inode, name: string, fs: Filesystem, path: string, source: string) => {
        mounts.push(k.vfs.mountAt(dir, name, fs, `/containers/${spec.id.slice(0, 12)}${path}`, source));
      };
      try {
        at(root, 'dev', new Devfs(), '/dev', 'devtmpfs');
        at(root, 'proc', new Procfs(proc), '/proc', 'proc');
        for (const m of spec.mounts) {
          const { parent, name } = mkdirIn(k, root, m.destination);
          const fs = m.type === 'tmpfs' ? new Tmpfs() : new BindFs(m.source!, m.readonly);
          at(parent, name, fs, m.destination, m.type === 'tmpfs' ? 'tmpfs' : 'bind');
        }
      } catch (e) {
        for (const m of mounts) k.vfs.unmount(m);
        throw e;
      }
      return { root, release: () => { for (const m of mounts) k.vfs.unmount(m); } };
    },
  };
}

// fs.extract: unpacks a tar archive (optionally gzipped) into a directory of the machine — what an
// embed's `files` option and an app's "put these files there" need. Paths are checked the way
// image layers are (oci/layer.ts: no absolute or `..` escapes, no symlink pointing above the
// archive's root); files and directories are created, existing files replaced, symlinks made,
// hard links copied. Whiteouts (layer-only entries) are refused. A bad archive is refused before
// anything is written.
import type { Kernel } from '../kernel/kernel.js';
import { mkdirAll } from '../vfs/mkdir_all.js';
import { writeWholeFile } from '../vfs/open_file.js';
import { readWholeFile } from '../vfs/read_all.js';
import { Errno, SysError } from '../errors/errno.js';
import { gunzip, isGzip } from '../oci/gzip.js';
import { parseLayer } from '../oci/layer.js';

/** Unpacks `archive` under the absolute directory `dir` (created if missing); returns the entries written. */
export async function extractArchive(k: Kernel, dir: string, archive: Uint8Array): Promise<number> {
  if (!dir.startsWith('/')) throw new SysError(Errno.INVAL, `path must be absolute: ${dir}`);
  const tar = isGzip(archive) ? await gunzip(archive, 'archive') : archive;
  const entries = parseLayer(tar, 'archive');
  for (const e of entries) {
    if (e.kind === 'whiteout' || e.kind === 'opaque') {
      throw new SysError(Errno.INVAL, `archive: entry ${JSON.stringify(e.path)} is a whiteout, which only image layers may hold`);
    }
  }
  const base = dir.replace(/\/+$/, '');
  const at = (path: string): string => (path === '' ? base || '/' : `${base}/${path}`);
  const scope = k.vfs.rootScope;
  mkdirAll(k.vfs, k.vfs.root, base || '/');
  let written = 0;
  for (const e of entries) {
    const slash = 'path' in e ? e.path.lastIndexOf('/') : -1;
    const parent = slash >= 0 ? at(e.path.slice(0, slash)) : base || '/';
    switch (e.kind) {
      case 'dir':
        mkdirAll(k.vfs, k.vfs.root, at(e.path));
        break;
      case 'file':
        mkdirAll(k.vfs, k.vfs.root, parent);
        writeWholeFile(k.vfs, [k.vfs.root], at(e.path), scope, e.data);
        break;
      case 'symlink': {
        mkdirAll(k.vfs, k.vfs.root, parent);
        const dirInode = k.vfs.lookupPath(parent);
        const name = e.path.slice(slash + 1);
        try {
          dirInode.unlink(name);
        } catch (err) {
          if (!(err instanceof SysError && err.errno === Errno.NOENT)) throw err;
        }
        dirInode.createSymlink(name, e.target);
        break;
      }
      case 'hardlink':
        mkdirAll(k.vfs, k.vfs.root, parent);
        writeWholeFile(k.vfs, [k.vfs.root], at(e.path), scope, readWholeFile(k.vfs.lookupPath(at(e.target))));
        break;
      default:
        continue;
    }
    written++;
  }
  return written;
}

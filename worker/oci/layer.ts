// Layers: turns a layer blob (tar, tar+gzip, or a wasm module) into validated, normalized entries
// (refusing `..` and absolute paths, symlinks that climb above the root, escaping hard links;
// recognizing whiteouts `.wh.NAME` and opaque markers `.wh..wh..opq`), and applies a stack of
// layers, lowest first, to an in-memory RootfsTree: the tree the kernel mounts read-only.
import { ImageError } from './errors.js';
import { gunzip } from './gzip.js';
import { layerKind } from './media_types.js';
import { readTar } from './tar.js';

/** One normalized layer entry; `path` is relative to the root without a leading `/` ('' = root). */
export type LayerEntry =
  | { kind: 'file'; path: string; mode: number; mtime: number; data: Uint8Array }
  | { kind: 'dir'; path: string; mode: number; mtime: number }
  | { kind: 'symlink'; path: string; mode: number; mtime: number; target: string }
  | { kind: 'hardlink'; path: string; target: string }
  | { kind: 'whiteout'; path: string }
  | { kind: 'opaque'; path: string };

export interface RootfsDir { kind: 'dir'; mode: number; mtime: number; entries: Map<string, RootfsNode> }
export interface RootfsFile { kind: 'file'; mode: number; mtime: number; data: Uint8Array }
export interface RootfsSymlink { kind: 'symlink'; mode: number; mtime: number; target: string }
export type RootfsNode = RootfsDir | RootfsFile | RootfsSymlink;
/** The root directory of an image's file system. */
export type RootfsTree = RootfsDir;

/** What layerEntries needs to know of a layer blob. */
export interface LayerBlob {
  mediaType: string;
  bytes: Uint8Array;
  /** The uncompressed tar, when already at hand (saves a second gunzip). */
  tar?: Uint8Array;
  /** For a wasm layer: the file name it is presented as (default `module.wasm`). */
  wasmName?: string;
}

const WHITEOUT = '.wh.';
const OPAQUE = '.wh..wh..opq';

/** Splits a tar path into components, refusing absolute paths and `..`. */
function components(raw: string, what: string): string[] {
  if (raw === '') throw new ImageError(`${what}: empty path`);
  if (raw.startsWith('/')) throw new ImageError(`${what}: absolute path ${JSON.stringify(raw)} in layer`);
  if (raw.includes('\0')) throw new ImageError(`${what}: path ${JSON.stringify(raw)} contains NUL`);
  const out: string[] = [];
  for (const c of raw.split('/')) {
    if (c === '..') throw new ImageError(`${what}: path ${JSON.stringify(raw)} contains a ".." component`);
    if (c !== '' && c !== '.') out.push(c);
  }
  return out;
}

/** Parses and validates an uncompressed layer tar. `what` names the layer in errors. */
export function parseLayer(tarBytes: Uint8Array, what = 'layer'): LayerEntry[] {
  const out: LayerEntry[] = [];
  for (const e of readTar(tarBytes, what)) {
    const where = `${what}: tar entry ${JSON.stringify(e.path)}`;
    const comps = components(e.path, where);
    const path = comps.join('/');
    const base = comps[comps.length - 1] ?? '';
    const dir = comps.slice(0, -1);
    if (base === OPAQUE) {
      out.push({ kind: 'opaque', path: dir.join('/') });
      continue;
    }
    if (base.startsWith(WHITEOUT + WHITEOUT)) continue; // other aufs metadata (.wh..wh.plnk, ...)
    if (base.startsWith(WHITEOUT)) {
      const name = base.slice(WHITEOUT.length);
      if (name === '' || name === '.' || name === '..') throw new ImageError(`${where}: malformed whiteout`);
      out.push({ kind: 'whiteout', path: [...dir, name].join('/') });
      continue;
    }
    switch (e.type) {
      case 'file':
        if (path === '') throw new ImageError(`${where}: a file cannot replace the root directory`);
        out.push({ kind: 'file', path, mode: e.mode, mtime: e.mtime, data: e.data });
        break;
      case 'dir':
        out.push({ kind: 'dir', path, mode: e.mode, mtime: e.mtime });
        break;
      case 'symlink': {
        if (path === '') throw new ImageError(`${where}: a symlink cannot replace the root directory`);
        if (e.linkname === '') throw new ImageError(`${where}: symlink with an empty target`);
        if (!e.linkname.startsWith('/')) {
          let depth = dir.length;
          for (const c of e.linkname.split('/')) {
            if (c === '..' && --depth < 0) {
              throw new ImageError(`${where}: symlink target ${JSON.stringify(e.linkname)} escapes the root`);
            }
            if (c !== '..' && c !== '.' && c !== '') depth++;
          }
        }
        out.push({ kind: 'symlink', path, mode: e.mode, mtime: e.mtime, target: e.linkname });
        break;
      }
      case 'hardlink': {
        const target = components(e.linkname, `${where}: hard link target`).join('/');
        if (path === '' || target === '') throw new ImageError(`${where}: hard link to or from the root directory`);
        out.push({ kind: 'hardlink', path, target });
        break;
      }
      default:
        break; // devices and fifos have no place in a WASI rootfs
    }
  }
  return out;
}

/** The entries of a layer blob of any accepted media type. */
export async function layerEntries(layer: LayerBlob, what = 'layer'): Promise<LayerEntry[]> {
  const kind = layerKind(layer.mediaType);
  if (kind === undefined) throw new ImageError(`${what}: unsupported layer media type ${JSON.stringify(layer.mediaType)}`);
  if (kind === 'wasm') {
    return [{ kind: 'file', path: layer.wasmName ?? 'module.wasm', mode: 0o755, mtime: 0, data: layer.bytes }];
  }
  const tar = layer.tar ?? (kind === 'tar+gzip' ? await gunzip(layer.bytes, what) : layer.bytes);
  return parseLayer(tar, what);
}

const MAX_SYMLINK_HOPS = 40;

/**
 * Walks `comps` (all directories) from the root, following symlinks inside the tree (never above
 * its root). With `create`, makes missing directories and replaces non-directories; otherwise
 * returns undefined when the path does not lead to a directory.
 */
function walkDir(root: RootfsDir, comps: string[], create: boolean, what: string): RootfsDir | undefined {
  const stack: RootfsDir[] = [root];
  const queue = [...comps];
  let hops = 0;
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (name === '' || name === '.') continue;
    if (name === '..') {
      if (stack.length > 1) stack.pop();
      continue;
    }
    const cur = stack[stack.length - 1]!;
    let node = cur.entries.get(name);
    if (node?.kind === 'symlink') {
      if (++hops > MAX_SYMLINK_HOPS) throw new ImageError(`${what}: too many levels of symbolic links`);
      if (node.target.startsWith('/')) stack.length = 1;
      queue.unshift(...node.target.split('/'));
      continue;
    }
    if (node?.kind !== 'dir') {
      if (!create) return undefined;
      node = { kind: 'dir', mode: 0o755, mtime: 0, entries: new Map() };
      cur.entries.set(name, node);
    }
    stack.push(node);
  }
  return stack[stack.length - 1]!;
}

function split(path: string): { dir: string[]; name: string } {
  const comps = path === '' ? [] : path.split('/');
  return { dir: comps.slice(0, -1), name: comps[comps.length - 1] ?? '' };
}

/** Applies layers (lowest first) to a fresh tree. `labels[i]` names layer i in errors. */
export function applyLayers(layers: LayerEntry[][], labels: string[] = []): RootfsTree {
  const root: RootfsDir = { kind: 'dir', mode: 0o755, mtime: 0, entries: new Map() };
  layers.forEach((entries, i) => {
    const what = labels[i] ?? `layer ${i + 1}`;
    // Whiteouts and opaque markers hide what lower layers hold, never this layer's own entries.
    for (const e of entries) {
      if (e.kind === 'whiteout') {
        const { dir, name } = split(e.path);
        walkDir(root, dir, false, what)?.entries.delete(name);
      } else if (e.kind === 'opaque') {
        walkDir(root, e.path === '' ? [] : e.path.split('/'), false, what)?.entries.clear();
      }
    }
    for (const e of entries) {
      if (e.kind === 'whiteout' || e.kind === 'opaque') continue;
      if (e.path === '') {
        if (e.kind === 'dir') Object.assign(root, { mode: e.mode, mtime: e.mtime });
        continue;
      }
      const { dir, name } = split(e.path);
      const parent = walkDir(root, dir, true, what)!;
      switch (e.kind) {
        case 'dir': {
          const old = parent.entries.get(name);
          if (old?.kind === 'dir') Object.assign(old, { mode: e.mode, mtime: e.mtime });
          else parent.entries.set(name, { kind: 'dir', mode: e.mode, mtime: e.mtime, entries: new Map() });
          break;
        }
        case 'file':
          parent.entries.set(name, { kind: 'file', mode: e.mode, mtime: e.mtime, data: e.data });
          break;
        case 'symlink':
          parent.entries.set(name, { kind: 'symlink', mode: e.mode, mtime: e.mtime, target: e.target });
          break;
        case 'hardlink': {
          const t = split(e.target);
          const target = walkDir(root, t.dir, false, what)?.entries.get(t.name);
          if (target === undefined || target.kind === 'dir') {
            throw new ImageError(
              `${what}: hard link ${JSON.stringify(e.path)} → ${JSON.stringify(e.target)}: target is ${target ? 'a directory' : 'not in this or a lower layer'}`,
            );
          }
          parent.entries.set(name, target);
          break;
        }
      }
    }
  });
  return root;
}

/** Finds a node by absolute or relative path without following a final symlink (tests, kernel). */
export function lookup(tree: RootfsTree, path: string): RootfsNode | undefined {
  const { dir, name } = split(path.split('/').filter((c) => c !== '' && c !== '.').join('/'));
  const parent = walkDir(tree, dir, false, 'lookup');
  return name === '' ? parent : parent?.entries.get(name);
}

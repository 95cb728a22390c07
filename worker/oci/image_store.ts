// ImageStore: the images a machine holds, over a BlobStore. `load` parses and verifies an archive
// completely (every digest, every layer unpacked and applied) before it changes anything, then
// stores the new blobs and the new index in one atomic commit: a refused archive leaves the store
// exactly as it was. Also list, resolve (name, name:tag, sha256:<hex>, unique hex prefix),
// remove (untag, then collect blobs no image references), and rootfs (the tree of an image).
import {
  normalizeConfig, normalizeRef, parseConfigBlob, parseManifest, readImageArchive, wasmLayerName,
  type ImageConfig, type Progress,
} from './archive.js';
import type { BlobStore, BlobStoreStats } from './blob_store.js';
import { isDigest } from './digest.js';
import { ImageError, shortDigest } from './errors.js';
import { applyLayers, layerEntries, type RootfsTree } from './layer.js';
import { layerKind } from './media_types.js';

/** What `list` shows of an image. `id` is the manifest digest. */
export interface ImageSummary {
  id: string;
  refs: string[];
  /** Bytes of its manifest, config and layer blobs as stored. */
  size: number;
  created?: string;
  architecture?: string;
  os?: string;
  configDigest: string;
  layers: number;
}

interface ImageRecord {
  refs: string[];
  configDigest: string;
  /** Every blob the image needs: manifest, config, layers. */
  blobs: string[];
  size: number;
  layers: number;
  created?: string;
  architecture?: string;
  os?: string;
}

type ImageIndex = Record<string, ImageRecord>;

const INDEX_KEY = 'images';

function summary(id: string, r: ImageRecord): ImageSummary {
  const s: ImageSummary = { id, refs: [...r.refs], size: r.size, configDigest: r.configDigest, layers: r.layers };
  if (r.created !== undefined) s.created = r.created;
  if (r.architecture !== undefined) s.architecture = r.architecture;
  if (r.os !== undefined) s.os = r.os;
  return s;
}

export class ImageStore {
  /** Serializes changes: each reads the index and commits a new one. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly blobs: BlobStore) {}

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async index(): Promise<ImageIndex> {
    return (await this.blobs.getMeta<ImageIndex>(INDEX_KEY)) ?? {};
  }

  /** Imports every image of an archive; returns their summaries. */
  load(archive: Uint8Array, onProgress?: Progress): Promise<ImageSummary[]> {
    return this.exclusive(async () => {
      const images = await readImageArchive(archive, onProgress);
      const total = images.reduce((n, im) => n + im.layers.reduce((m, l) => m + l.size, 0), 0);
      let done = 0;
      for (const im of images) {
        const labels = im.layers.map((l, i) => `image ${im.refs[0] ?? shortDigest(im.manifestDigest)}: layer ${i + 1} (${l.digest})`);
        const entries = [];
        for (const [i, l] of im.layers.entries()) {
          entries.push(await layerEntries(l, labels[i]));
          onProgress?.((done += l.size), total, 'unpack');
        }
        applyLayers(entries, labels);
      }

      const index = await this.index();
      const put = new Map<string, Uint8Array>();
      const want = async (digest: string, bytes: Uint8Array) => {
        if (!put.has(digest) && !(await this.blobs.has(digest))) put.set(digest, bytes);
      };
      for (const im of images) {
        for (const r of Object.values(index)) r.refs = r.refs.filter((ref) => !im.refs.includes(ref)); // tags move
        await want(im.manifestDigest, im.manifestBytes);
        await want(im.configDigest, im.configBytes);
        for (const l of im.layers) await want(l.digest, l.bytes);
        const old = index[im.manifestDigest];
        const record: ImageRecord = {
          refs: [...new Set([...(old?.refs ?? []), ...im.refs])],
          configDigest: im.configDigest,
          blobs: [...new Set([im.manifestDigest, im.configDigest, ...im.layers.map((l) => l.digest)])],
          size: im.manifestBytes.length + im.configBytes.length + im.layers.reduce((n, l) => n + l.size, 0),
          layers: im.layers.length,
        };
        if (im.config.created !== undefined) record.created = im.config.created;
        if (im.config.architecture !== undefined) record.architecture = im.config.architecture;
        if (im.config.os !== undefined) record.os = im.config.os;
        index[im.manifestDigest] = record;
      }
      const bytes = [...put.values()].reduce((n, b) => n + b.length, 0);
      onProgress?.(0, bytes, 'store');
      await this.blobs.commit({ put, meta: new Map([[INDEX_KEY, index]]) });
      onProgress?.(bytes, bytes, 'store');
      return images.map((im) => summary(im.manifestDigest, index[im.manifestDigest]!));
    });
  }

  async list(): Promise<ImageSummary[]> {
    return Object.entries(await this.index()).map(([id, r]) => summary(id, r));
  }

  private static find(index: ImageIndex, ref: string): { id: string; tag?: string } {
    const r = ref.trim();
    if (r === '') throw new ImageError('no such image: empty reference');
    if (isDigest(r) && index[r]) return { id: r };
    const tag = normalizeRef(r);
    for (const [id, rec] of Object.entries(index)) if (rec.refs.includes(tag)) return { id, tag };
    const hex = r.startsWith('sha256:') ? r.slice('sha256:'.length) : r;
    if (/^[0-9a-f]+$/.test(hex)) {
      const ids = Object.keys(index).filter((id) => id.startsWith(`sha256:${hex}`));
      if (ids.length === 1) return { id: ids[0]! };
      if (ids.length > 1) throw new ImageError(`ambiguous image reference ${JSON.stringify(ref)}: matches ${ids.map(shortDigest).join(', ')}`);
    }
    throw new ImageError(`no such image: ${ref}`);
  }

  /** The id (manifest digest) of `ref`: `name`, `name:tag`, `sha256:<hex>` or a unique hex prefix. */
  async resolve(ref: string): Promise<string> {
    return ImageStore.find(await this.index(), ref).id;
  }

  /**
   * Like `docker rmi`: a tag of an image with other tags is only untagged; otherwise (or when
   * `ref` is an id) the image goes, and with it every blob no remaining image references.
   */
  remove(ref: string): Promise<{ untagged: string[]; deleted: string[]; blobsDeleted: number }> {
    return this.exclusive(async () => {
      const index = await this.index();
      const { id, tag } = ImageStore.find(index, ref);
      const rec = index[id]!;
      if (tag !== undefined && rec.refs.length > 1) {
        rec.refs = rec.refs.filter((r) => r !== tag);
        await this.blobs.commit({ meta: new Map([[INDEX_KEY, index]]) });
        return { untagged: [tag], deleted: [], blobsDeleted: 0 };
      }
      delete index[id];
      const live = new Set(Object.values(index).flatMap((r) => r.blobs));
      const dead = [...(await this.blobs.sizes()).keys()].filter((d) => !live.has(d));
      await this.blobs.commit({ delete: dead, meta: new Map([[INDEX_KEY, index]]) });
      return { untagged: rec.refs, deleted: [id], blobsDeleted: dead.length };
    });
  }

  private async blob(digest: string, what: string): Promise<Uint8Array> {
    const b = await this.blobs.get(digest);
    if (b === undefined) throw new ImageError(`${what}: blob ${digest} is missing from the image store`);
    return b;
  }

  /** The normalized config and the root file system tree of an image. */
  async rootfs(ref: string): Promise<{ id: string; config: ImageConfig; tree: RootfsTree }> {
    const id = await this.resolve(ref);
    const what = `image ${ref}`;
    const manifest = parseManifest(await this.blob(id, what), `${what}: manifest ${id}`);
    const raw = parseConfigBlob(await this.blob(manifest.config.digest, what), manifest.config.mediaType, `${what}: config`);
    const entries = [];
    const wasmNames: string[] = [];
    for (const [i, l] of manifest.layers.entries()) {
      const lwhat = `${what}: layer ${i + 1} (${l.digest})`;
      const wasmName = layerKind(l.mediaType) === 'wasm' ? wasmLayerName(l, lwhat) : undefined;
      if (wasmName !== undefined) wasmNames.push(wasmName);
      entries.push(await layerEntries({ mediaType: l.mediaType, bytes: await this.blob(l.digest, lwhat), wasmName }, lwhat));
    }
    return { id, config: normalizeConfig(raw, wasmNames, `${what}: config`), tree: applyLayers(entries) };
  }

  /** Blob count and bytes in the store, and the number of images. */
  async stats(): Promise<BlobStoreStats & { images: number }> {
    return { ...(await this.blobs.stats()), images: Object.keys(await this.index()).length };
  }
}

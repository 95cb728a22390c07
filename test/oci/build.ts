// Builders of image archives for the oci tests: `docker save` archives and OCI image layouts,
// made with the project's tar writer and CompressionStream, with a hook to tamper with the files.
import { sha256Hex } from '../../worker/oci/digest.js';
import { gzip } from '../../worker/oci/gzip.js';
import { MediaType } from '../../worker/oci/media_types.js';
import { writeTar, type TarWriteEntry } from '../../worker/oci/tar_writer.js';

export const bytes = (s: string) => new TextEncoder().encode(s);
export const text = (b: Uint8Array) => new TextDecoder().decode(b);
const json = (v: unknown) => bytes(JSON.stringify(v));

/** The files of an archive, by path; tests may change them before they are written. */
export type Files = Map<string, Uint8Array>;

function archive(files: Files): Uint8Array {
  return writeTar([...files].map(([path, data]) => ({ path, data })));
}

export interface DockerImage {
  tags: string[];
  layers: TarWriteEntry[][];
  gzip?: boolean;
  config?: Record<string, unknown>;
  /** Store layers as `blobs/sha256/<hex>` (docker 25+) instead of `<id>/layer.tar`. */
  blobPaths?: boolean;
}

/** A `docker save` archive. */
export async function dockerSave(images: DockerImage[], mutate?: (files: Files) => void): Promise<Uint8Array> {
  const files: Files = new Map();
  const manifest = [];
  for (const im of images) {
    const layerPaths: string[] = [];
    const diffIds: string[] = [];
    for (const entries of im.layers) {
      const tar = writeTar(entries);
      const blob = im.gzip ? await gzip(tar) : tar;
      const hex = await sha256Hex(blob);
      const path = im.blobPaths ? `blobs/sha256/${hex}` : `${hex}/layer.tar`;
      files.set(path, blob);
      layerPaths.push(path);
      diffIds.push(`sha256:${await sha256Hex(tar)}`);
    }
    const config = json({
      architecture: 'wasm',
      os: 'wasip1',
      created: '2024-01-01T00:00:00Z',
      config: { Entrypoint: ['/bin/app.wasm'], Env: ['PATH=/bin'], ...im.config },
      rootfs: { type: 'layers', diff_ids: diffIds },
    });
    const configPath = `${await sha256Hex(config)}.json`;
    files.set(configPath, config);
    manifest.push({ Config: configPath, RepoTags: im.tags, Layers: layerPaths });
  }
  files.set('manifest.json', json(manifest));
  mutate?.(files);
  return archive(files);
}

export interface RawLayer {
  mediaType: string;
  data: Uint8Array;
  annotations?: Record<string, string>;
  /** The rootfs.diff_id of a tar layer (default: the digest of `data`). */
  diffId?: string;
}

export interface OciImage {
  /** `org.opencontainers.image.ref.name` of its index.json entry. */
  refName?: string;
  layers: Array<TarWriteEntry[] | RawLayer>;
  gzip?: boolean;
  config?: Record<string, unknown>;
  configMediaType?: string;
  /** Put the manifest in a nested index, after a linux/amd64 one, as multi-platform images do. */
  nested?: boolean;
}

async function put(files: Files, data: Uint8Array, mediaType: string, extra: Record<string, unknown> = {}) {
  const digest = `sha256:${await sha256Hex(data)}`;
  files.set(`blobs/sha256/${digest.slice(7)}`, data);
  return { mediaType, digest, size: data.length, ...extra };
}

async function ociManifest(files: Files, im: OciImage) {
  const layers = [];
  const diffIds: string[] = [];
  for (const l of im.layers) {
    if (Array.isArray(l)) {
      const tar = writeTar(l);
      diffIds.push(`sha256:${await sha256Hex(tar)}`);
      layers.push(im.gzip ? await put(files, await gzip(tar), MediaType.ociLayerTarGzip) : await put(files, tar, MediaType.ociLayerTar));
    } else {
      if (!/wasm/.test(l.mediaType)) diffIds.push(l.diffId ?? `sha256:${await sha256Hex(l.data)}`);
      layers.push(await put(files, l.data, l.mediaType, l.annotations ? { annotations: l.annotations } : {}));
    }
  }
  const config = im.configMediaType && im.configMediaType !== MediaType.ociConfig
    ? json(im.config ?? {})
    : json({ architecture: 'wasm', os: 'wasip1', config: { Entrypoint: ['/bin/app.wasm'], ...im.config }, rootfs: { type: 'layers', diff_ids: diffIds } });
  const manifest = json({
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: await put(files, config, im.configMediaType ?? MediaType.ociConfig),
    layers,
  });
  return put(files, manifest, MediaType.ociManifest);
}

/** An OCI image layout archive, optionally gzip-compressed as a whole. */
export async function ociLayout(images: OciImage[], opts: { mutate?: (files: Files) => void; gzipArchive?: boolean } = {}): Promise<Uint8Array> {
  const files: Files = new Map([['oci-layout', json({ imageLayoutVersion: '1.0.0' })]]);
  const manifests = [];
  for (const im of images) {
    const annotations = im.refName ? { annotations: { 'org.opencontainers.image.ref.name': im.refName } } : {};
    let desc = await ociManifest(files, im);
    if (im.nested) {
      const other = await ociManifest(files, { layers: [[{ path: 'amd64-only', data: 'x' }]] });
      const index = json({
        schemaVersion: 2,
        mediaType: MediaType.ociIndex,
        manifests: [
          { ...other, platform: { os: 'linux', architecture: 'amd64' } },
          { ...desc, platform: { os: 'wasip1', architecture: 'wasm' } },
        ],
      });
      desc = await put(files, index, MediaType.ociIndex);
    }
    manifests.push({ ...desc, ...annotations });
  }
  files.set('index.json', json({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests }));
  opts.mutate?.(files);
  const tar = archive(files);
  return opts.gzipArchive ? gzip(tar) : tar;
}

/** The wasm module header, as a tiny stand-in module. */
export const WASM = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

// Image archives: reads a `docker save` archive or an OCI image-layout archive (either possibly
// gzip-compressed as a whole) into normalized ParsedImages, verifying every blob against its
// digest and every tar layer against the config's rootfs.diff_ids. Also owns what both the
// importer and the image store need to re-read a stored image: manifest parsing, config
// normalization and image reference normalization.
import { sha256Digest, splitDigest, verifyDigest } from './digest.js';
import { ImageError, asObject, parseJson, shortDigest } from './errors.js';
import { gunzip, isGzip } from './gzip.js';
import { MediaType, isIndexType, isManifestType, layerKind } from './media_types.js';
import { readTar, type TarEntry } from './tar.js';

/** Progress of a long operation: bytes done of bytes total in the named phase. */
export type Progress = (doneBytes: number, totalBytes: number, phase: string) => void;

/** The parts of an OCI image config the runtime uses, plus the whole JSON. */
export interface ImageConfig {
  Entrypoint?: string[];
  Cmd?: string[];
  Env: string[];
  WorkingDir?: string;
  User?: string;
  architecture?: string;
  os?: string;
  created?: string;
  raw: Record<string, unknown>;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations: Record<string, string>;
}

export interface ParsedLayer {
  /** Digest of the stored blob (compressed, if it is). */
  digest: string;
  mediaType: string;
  size: number;
  bytes: Uint8Array;
  /** sha256 of the uncompressed tar (absent for wasm layers). */
  diffId?: string;
  /** The uncompressed tar, verified against diffId. */
  tar?: Uint8Array;
  /** For a wasm layer: the file name it is presented as in the rootfs. */
  wasmName?: string;
}

export interface ParsedImage {
  refs: string[];
  manifestDigest: string;
  /** The manifest as stored (synthesized as an OCI manifest for a `docker save` image). */
  manifestBytes: Uint8Array;
  configDigest: string;
  configMediaType: string;
  configBytes: Uint8Array;
  config: ImageConfig;
  layers: ParsedLayer[];
}

const WASI_OSES = new Set(['wasi', 'wasip1', 'wasip2']);

/** Normalizes an image reference: `docker.io/library/x` → `x:latest`; a digest suffix is dropped. */
export function normalizeRef(ref: string): string {
  let r = ref.trim();
  const at = r.indexOf('@');
  if (at >= 0) r = r.slice(0, at);
  for (const prefix of ['docker.io/', 'index.docker.io/', 'registry-1.docker.io/']) {
    if (r.startsWith(prefix)) r = r.slice(prefix.length);
  }
  if (r.startsWith('library/')) r = r.slice('library/'.length);
  const slash = r.lastIndexOf('/');
  if (!r.slice(slash + 1).includes(':')) r += ':latest';
  return r;
}

function stringArray(value: unknown, what: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new ImageError(`${what}: expected an array of strings`);
  }
  return value as string[];
}

function optString(value: unknown, what: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new ImageError(`${what}: expected a string`);
  return value;
}

/** Parses a descriptor object (in an index or a manifest). */
export function parseDescriptor(value: unknown, what: string): Descriptor {
  const d = asObject(value, what);
  splitDigest(d['digest'], what);
  if (d['size'] !== undefined && (typeof d['size'] !== 'number' || !Number.isSafeInteger(d['size']) || d['size'] < 0)) {
    throw new ImageError(`${what}: bad size ${JSON.stringify(d['size'])}`);
  }
  const annotations: Record<string, string> = {};
  if (d['annotations'] !== undefined && d['annotations'] !== null) {
    for (const [k, v] of Object.entries(asObject(d['annotations'], `${what}: annotations`))) {
      if (typeof v === 'string') annotations[k] = v;
    }
  }
  return {
    mediaType: optString(d['mediaType'], `${what}: mediaType`) ?? '',
    digest: d['digest'] as string,
    size: (d['size'] as number | undefined) ?? -1,
    annotations,
  };
}

/** Parses an image manifest into its config and layer descriptors. */
export function parseManifest(bytes: Uint8Array, what: string): { config: Descriptor; layers: Descriptor[] } {
  const m = asObject(parseJson(bytes, what), what);
  if (m['mediaType'] !== undefined && !isManifestType(m['mediaType'])) {
    throw new ImageError(`${what}: unsupported manifest media type ${JSON.stringify(m['mediaType'])}`);
  }
  if (!Array.isArray(m['layers'])) throw new ImageError(`${what}: no "layers" array`);
  return {
    config: parseDescriptor(m['config'], `${what}: config`),
    layers: m['layers'].map((l, i) => parseDescriptor(l, `${what}: layer ${i + 1}`)),
  };
}

/** The file name a wasm layer is presented as: its title annotation's base name, or module.wasm. */
export function wasmLayerName(desc: Descriptor, what: string): string {
  const title = desc.annotations['org.opencontainers.image.title'];
  if (title === undefined || title === '') return 'module.wasm';
  const base = title.split('/').filter(Boolean).pop() ?? '';
  if (base === '' || base === '.' || base === '..') throw new ImageError(`${what}: bad wasm title ${JSON.stringify(title)}`);
  return base.endsWith('.wasm') ? base : `${base}.wasm`;
}

/** Parses a config blob (leniently for config media types it does not know). */
export function parseConfigBlob(bytes: Uint8Array, mediaType: string, what: string): Record<string, unknown> {
  const jsonish = mediaType === '' || /json/.test(mediaType);
  if (!jsonish) {
    try {
      const v = JSON.parse(new TextDecoder().decode(bytes)) as unknown;
      return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  }
  return asObject(parseJson(bytes, what), what);
}

/** Normalizes a config; a wasm layer becomes the entrypoint when the config names none. */
export function normalizeConfig(raw: Record<string, unknown>, wasmNames: string[], what: string): ImageConfig {
  const c = raw['config'] === undefined || raw['config'] === null ? {} : asObject(raw['config'], `${what}: config`);
  const config: ImageConfig = {
    Entrypoint: stringArray(c['Entrypoint'], `${what}: Entrypoint`),
    Cmd: stringArray(c['Cmd'], `${what}: Cmd`),
    Env: stringArray(c['Env'], `${what}: Env`) ?? [],
    WorkingDir: optString(c['WorkingDir'], `${what}: WorkingDir`),
    User: optString(c['User'], `${what}: User`),
    architecture: optString(raw['architecture'], `${what}: architecture`),
    os: optString(raw['os'], `${what}: os`),
    created: optString(raw['created'], `${what}: created`),
    raw,
  };
  if ((config.Entrypoint === undefined || config.Entrypoint.length === 0) && wasmNames.length > 0) {
    config.Entrypoint = [`/${wasmNames[0]}`];
  }
  return config;
}

function diffIds(raw: Record<string, unknown>, what: string): string[] | undefined {
  const rootfs = raw['rootfs'];
  if (rootfs === undefined || rootfs === null) return undefined;
  return stringArray(asObject(rootfs, `${what}: rootfs`)['diff_ids'], `${what}: rootfs.diff_ids`);
}

/** The files of the outer archive, with links inside it resolved. */
class ArchiveFiles {
  private readonly entries = new Map<string, TarEntry>();
  constructor(entries: TarEntry[]) {
    for (const e of entries) this.entries.set(ArchiveFiles.norm(e.path), e);
  }
  static norm(path: string): string {
    const out: string[] = [];
    for (const c of path.split('/')) {
      if (c === '..') out.pop();
      else if (c !== '' && c !== '.') out.push(c);
    }
    return out.join('/');
  }
  has(path: string): boolean {
    return this.get(path) !== undefined;
  }
  get(path: string): Uint8Array | undefined {
    let p = ArchiveFiles.norm(path);
    for (let hops = 0; hops < 16; hops++) {
      const e = this.entries.get(p);
      if (e === undefined) return undefined;
      if (e.type === 'file') return e.data;
      if (e.type === 'hardlink') p = ArchiveFiles.norm(e.linkname);
      else if (e.type === 'symlink') {
        p = ArchiveFiles.norm(e.linkname.startsWith('/') ? e.linkname : `${p.split('/').slice(0, -1).join('/')}/${e.linkname}`);
      } else return undefined;
    }
    return undefined;
  }
}

/** Counts bytes verified for the progress callback. */
class Meter {
  done = 0;
  constructor(private readonly total: number, private readonly onProgress?: Progress) {}
  add(n: number): void {
    this.done += n;
    this.onProgress?.(Math.min(this.done, this.total), this.total, 'verify');
  }
}

async function unpackTarLayer(bytes: Uint8Array, gz: boolean, diffId: string | undefined, what: string): Promise<Uint8Array> {
  const tar = gz ? await gunzip(bytes, what) : bytes;
  if (diffId !== undefined) await verifyDigest(tar, diffId, `${what} (uncompressed, rootfs.diff_id)`);
  return tar;
}

async function readDockerSave(files: ArchiveFiles, meter: Meter): Promise<ParsedImage[]> {
  const manifest = parseJson(files.get('manifest.json')!, 'manifest.json');
  if (!Array.isArray(manifest)) throw new ImageError('manifest.json: expected a JSON array');
  const images: ParsedImage[] = [];
  for (const [i, value] of manifest.entries()) {
    const what = `manifest.json: image ${i + 1}`;
    const m = asObject(value, what);
    const configPath = optString(m['Config'], `${what}: Config`);
    if (configPath === undefined) throw new ImageError(`${what}: no Config`);
    const layerPaths = stringArray(m['Layers'], `${what}: Layers`) ?? [];
    const refs = (stringArray(m['RepoTags'], `${what}: RepoTags`) ?? []).map(normalizeRef);
    const configBytes = files.get(configPath);
    if (configBytes === undefined) throw new ImageError(`${what}: names config ${configPath}, which is not in the archive`);
    const configDigest = await sha256Digest(configBytes);
    const named = /([0-9a-f]{64})(\.json)?$/.exec(configPath);
    if (named) await verifyDigest(configBytes, `sha256:${named[1]}`, `config blob ${configPath}`);
    meter.add(configBytes.length);
    const raw = asObject(parseJson(configBytes, `config ${configPath}`), `config ${configPath}`);
    const ids = diffIds(raw, `config ${configPath}`);
    if (ids === undefined || ids.length !== layerPaths.length) {
      throw new ImageError(
        `config ${configPath}: rootfs.diff_ids lists ${ids?.length ?? 0} layers, manifest.json lists ${layerPaths.length}`,
      );
    }
    const layers: ParsedLayer[] = [];
    for (const [j, path] of layerPaths.entries()) {
      const lwhat = `layer ${path}`;
      const bytes = files.get(path);
      if (bytes === undefined) throw new ImageError(`${what}: names layer ${path}, which is not in the archive`);
      const blobHex = /(?:^|\/)blobs\/sha256\/([0-9a-f]{64})$/.exec(path)?.[1];
      if (blobHex) await verifyDigest(bytes, `sha256:${blobHex}`, `layer blob ${path}`);
      const gz = isGzip(bytes);
      const tar = await unpackTarLayer(bytes, gz, ids[j]!, lwhat);
      meter.add(bytes.length);
      layers.push({
        digest: blobHex ? `sha256:${blobHex}` : gz ? await sha256Digest(bytes) : ids[j]!,
        mediaType: gz ? MediaType.ociLayerTarGzip : MediaType.ociLayerTar,
        size: bytes.length,
        bytes,
        diffId: ids[j]!,
        tar,
      });
    }
    const manifestBytes = new TextEncoder().encode(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaType.ociManifest,
        config: { mediaType: MediaType.ociConfig, digest: configDigest, size: configBytes.length },
        layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
      }),
    );
    images.push({
      refs,
      manifestDigest: await sha256Digest(manifestBytes),
      manifestBytes,
      configDigest,
      configMediaType: MediaType.ociConfig,
      configBytes,
      config: normalizeConfig(raw, [], `config ${configPath}`),
      layers,
    });
  }
  return images;
}

async function readBlob(files: ArchiveFiles, desc: Descriptor, what: string, meter: Meter): Promise<Uint8Array> {
  const { algorithm, hex } = splitDigest(desc.digest, what);
  const bytes = files.get(`blobs/${algorithm}/${hex}`);
  if (bytes === undefined) throw new ImageError(`${what}: names blob ${desc.digest}, which is not in the archive`);
  if (desc.size >= 0 && desc.size !== bytes.length) {
    throw new ImageError(`${what}: blob ${desc.digest} has ${bytes.length} bytes, its descriptor says ${desc.size} (truncated?)`);
  }
  await verifyDigest(bytes, desc.digest, `${what}: blob ${desc.digest}`);
  meter.add(bytes.length);
  return bytes;
}

/** Picks the manifest of an index: a wasm/WASI platform if there is one, else the first image. */
function pickManifest(index: Record<string, unknown>, what: string): Descriptor {
  if (!Array.isArray(index['manifests'])) throw new ImageError(`${what}: no "manifests" array`);
  const descs = index['manifests'].map((d, i) => ({ d: parseDescriptor(d, `${what}: manifest ${i + 1}`), raw: d as Record<string, unknown> }));
  const platform = (r: Record<string, unknown>) => (typeof r['platform'] === 'object' && r['platform'] ? (r['platform'] as Record<string, unknown>) : {});
  const pick =
    descs.find(({ raw }) => platform(raw)['architecture'] === 'wasm') ??
    descs.find(({ raw }) => WASI_OSES.has(platform(raw)['os'] as string)) ??
    descs.find(({ raw }) => platform(raw)['os'] !== 'unknown') ??
    descs[0];
  if (pick === undefined) throw new ImageError(`${what}: the index lists no manifests`);
  return pick.d;
}

async function readOciImage(files: ArchiveFiles, top: Descriptor, what: string, meter: Meter): Promise<ParsedImage> {
  let desc = top;
  let bytes = await readBlob(files, desc, what, meter);
  for (let depth = 0; ; depth++) {
    const mwhat = `${what}: manifest ${shortDigest(desc.digest)}`;
    let mediaType = desc.mediaType;
    if (mediaType === '') {
      const probe = asObject(parseJson(bytes, mwhat), mwhat);
      mediaType = typeof probe['mediaType'] === 'string' ? probe['mediaType'] : Array.isArray(probe['manifests']) ? MediaType.ociIndex : MediaType.ociManifest;
    }
    if (isManifestType(mediaType)) break;
    if (!isIndexType(mediaType)) throw new ImageError(`${mwhat}: unsupported manifest media type ${JSON.stringify(mediaType)}`);
    if (depth >= 4) throw new ImageError(`${what}: indexes nested too deeply`);
    desc = pickManifest(asObject(parseJson(bytes, `${what}: index ${desc.digest}`), `${what}: index ${desc.digest}`), `${what}: index ${shortDigest(desc.digest)}`);
    bytes = await readBlob(files, desc, `${what}: index`, meter);
  }
  const mwhat = `manifest ${desc.digest}`;
  const manifest = parseManifest(bytes, mwhat);
  for (const [i, l] of manifest.layers.entries()) {
    if (layerKind(l.mediaType) === undefined) {
      throw new ImageError(`${mwhat}: layer ${i + 1} (${l.digest}): unsupported layer media type ${JSON.stringify(l.mediaType)}`);
    }
  }
  const configBytes = await readBlob(files, manifest.config, `${mwhat}: config`, meter);
  const raw = parseConfigBlob(configBytes, manifest.config.mediaType, `config ${manifest.config.digest}`);
  const tarLayers = manifest.layers.filter((l) => layerKind(l.mediaType) !== 'wasm').length;
  const ids = diffIds(raw, `config ${manifest.config.digest}`);
  if (ids !== undefined && ids.length !== tarLayers) {
    throw new ImageError(`config ${manifest.config.digest}: rootfs.diff_ids lists ${ids.length} layers, ${mwhat} has ${tarLayers}`);
  }
  const layers: ParsedLayer[] = [];
  let tarIndex = 0;
  for (const [i, l] of manifest.layers.entries()) {
    const lwhat = `${mwhat}: layer ${i + 1} (${l.digest})`;
    const kind = layerKind(l.mediaType)!;
    const bytes = await readBlob(files, l, `${mwhat}: layer ${i + 1}`, meter);
    const layer: ParsedLayer = { digest: l.digest, mediaType: l.mediaType, size: bytes.length, bytes };
    if (kind === 'wasm') layer.wasmName = wasmLayerName(l, lwhat);
    else {
      layer.diffId = ids?.[tarIndex++];
      layer.tar = await unpackTarLayer(bytes, kind === 'tar+gzip', layer.diffId, lwhat);
    }
    layers.push(layer);
  }
  const ref = top.annotations['io.containerd.image.name'] ?? top.annotations['org.opencontainers.image.ref.name'];
  return {
    refs: ref ? [normalizeRef(ref)] : [],
    manifestDigest: desc.digest,
    manifestBytes: bytes,
    configDigest: manifest.config.digest,
    configMediaType: manifest.config.mediaType,
    configBytes,
    config: normalizeConfig(raw, layers.flatMap((l) => (l.wasmName ? [l.wasmName] : [])), `config ${manifest.config.digest}`),
    layers,
  };
}

async function readOciLayout(files: ArchiveFiles, meter: Meter): Promise<ParsedImage[]> {
  const layout = files.get('oci-layout');
  if (layout !== undefined) {
    const v = asObject(parseJson(layout, 'oci-layout'), 'oci-layout')['imageLayoutVersion'];
    if (typeof v !== 'string' || !v.startsWith('1.')) throw new ImageError(`oci-layout: unsupported imageLayoutVersion ${JSON.stringify(v)}`);
  }
  const index = asObject(parseJson(files.get('index.json')!, 'index.json'), 'index.json');
  if (!Array.isArray(index['manifests'])) throw new ImageError('index.json: no "manifests" array');
  if (index['manifests'].length === 0) throw new ImageError('index.json: lists no images');
  const byDigest = new Map<string, ParsedImage>();
  for (const [i, d] of index['manifests'].entries()) {
    const desc = parseDescriptor(d, `index.json: manifest ${i + 1}`);
    const image = await readOciImage(files, desc, `index.json: manifest ${i + 1}`, meter);
    const seen = byDigest.get(image.manifestDigest);
    if (seen) seen.refs = [...new Set([...seen.refs, ...image.refs])];
    else byDigest.set(image.manifestDigest, image);
  }
  // A docker (25+) save holds both layouts: take tags from its manifest.json as well.
  const dockerManifest = files.get('manifest.json');
  if (dockerManifest !== undefined) {
    const list = parseJson(dockerManifest, 'manifest.json');
    for (const m of Array.isArray(list) ? list : []) {
      const o = asObject(m, 'manifest.json: image');
      const tags = stringArray(o['RepoTags'], 'manifest.json: RepoTags') ?? [];
      for (const image of byDigest.values()) {
        if (typeof o['Config'] === 'string' && o['Config'].endsWith(splitDigest(image.configDigest, 'config').hex)) {
          image.refs = [...new Set([...image.refs, ...tags.map(normalizeRef)])];
        }
      }
    }
  }
  return [...byDigest.values()];
}

/**
 * Reads and fully verifies an image archive: a `docker save` tar or an OCI image layout tar,
 * either of which may be gzip-compressed. Refuses anything wrong with an ImageError.
 */
export async function readImageArchive(bytes: Uint8Array, onProgress?: Progress): Promise<ParsedImage[]> {
  let tar = bytes;
  if (isGzip(bytes)) {
    onProgress?.(0, bytes.length, 'decompress');
    tar = await gunzip(bytes, 'image archive');
    onProgress?.(bytes.length, bytes.length, 'decompress');
  }
  const files = new ArchiveFiles(readTar(tar, 'image archive'));
  const meter = new Meter(tar.length, onProgress);
  let images: ParsedImage[];
  if (files.has('index.json')) images = await readOciLayout(files, meter);
  else if (files.has('manifest.json')) images = await readDockerSave(files, meter);
  else throw new ImageError('image archive: neither manifest.json (docker save) nor index.json (OCI image layout) found');
  onProgress?.(tar.length, tar.length, 'verify');
  return images;
}

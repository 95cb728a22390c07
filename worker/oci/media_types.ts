// Media types the importer knows: manifests, indexes and configs (OCI and Docker), and the layer
// types it accepts (tar, tar+gzip, wasm modules). A layer of any other type is refused.
export const MediaType = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  ociLayerTar: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerTarGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  dockerLayerTarGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  wasm: 'application/wasm',
  wasmLayer: 'application/vnd.wasm.content.layer.v1+wasm',
} as const;

export type LayerKind = 'tar' | 'tar+gzip' | 'wasm';

const LAYER_KINDS = new Map<string, LayerKind>([
  [MediaType.ociLayerTar, 'tar'],
  ['application/vnd.oci.image.layer.nondistributable.v1.tar', 'tar'],
  ['application/vnd.docker.image.rootfs.diff.tar', 'tar'],
  [MediaType.ociLayerTarGzip, 'tar+gzip'],
  ['application/vnd.oci.image.layer.nondistributable.v1.tar+gzip', 'tar+gzip'],
  [MediaType.dockerLayerTarGzip, 'tar+gzip'],
  [MediaType.wasm, 'wasm'],
  [MediaType.wasmLayer, 'wasm'],
]);

/** How a layer of `mediaType` is unpacked, or undefined for a type the importer refuses. */
export function layerKind(mediaType: string): LayerKind | undefined {
  return LAYER_KINDS.get(mediaType);
}

export function isIndexType(mediaType: unknown): boolean {
  return mediaType === MediaType.ociIndex || mediaType === MediaType.dockerManifestList;
}

export function isManifestType(mediaType: unknown): boolean {
  return mediaType === MediaType.ociManifest || mediaType === MediaType.dockerManifest;
}

// The base image (the utilities in base/bin/) as the browser build ships it: Vite emits each
// module as an asset and gives its URL; the kernel worker fetches them at boot.

declare global {
  interface ImportMeta {
    glob(pattern: string, opts: { query: string; import: string; eager: true }): Record<string, string>;
  }
}

const urls = import.meta.glob('../../base/bin/*.wasm', { query: '?url', import: 'default', eager: true });

/** Fetches every program of the base image: name (without .wasm) -> bytes. */
export async function loadBaseImage(): Promise<Map<string, Uint8Array>> {
  const entries = await Promise.all(
    Object.entries(urls).map(async ([path, url]) => {
      const res = await fetch(url);
      if (!res.ok) throw new Error(`base image: ${url}: HTTP ${res.status}`);
      const name = path.slice(path.lastIndexOf('/') + 1).replace(/\.wasm$/, '');
      return [name, new Uint8Array(await res.arrayBuffer())] as const;
    }),
  );
  return new Map(entries);
}

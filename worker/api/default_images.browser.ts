// The images every new machine in the page starts with (base/images/*.tar, built by
// scripts/build-images.mjs): Vite emits each archive as an asset and gives its URL; the kernel
// worker imports them on first boot.
const urls = import.meta.glob('../../base/images/*.tar', { query: '?url', import: 'default', eager: true });

/** younglook/wasi-hello:latest, from base/images/wasi-hello.tar. */
export const DEFAULT_IMAGES = Object.entries(urls)
  .filter(([path]) => path.endsWith('/wasi-hello.tar'))
  .map(([, url]) => ({
    ref: 'younglook/wasi-hello:latest',
    archive: async (): Promise<Uint8Array> => {
      const res = await fetch(url);
      if (!res.ok) throw new Error(`default image ${url}: HTTP ${res.status}`);
      return new Uint8Array(await res.arrayBuffer());
    },
  }));

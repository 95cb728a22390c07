// Vite config for the page (index.html + src/) and the kernel worker (worker/kernel.worker.ts),
// which itself starts one nested worker per process (worker/platform/wasm/process.worker.ts).
//
// The kernel shares process memory through SharedArrayBuffer, which browsers only allow in a
// cross-origin isolated page: every response carries COOP same-origin + COEP require-corp, in
// `vite` (dev) and `vite preview` alike. CORP cross-origin lets a page of another origin (that is
// itself isolated) frame the playground for the postMessage embed API.
import { defineConfig } from 'vite';

const isolationHeaders: Record<string, string> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'cross-origin',
};

export default defineConfig({
  server: {
    headers: isolationHeaders,
  },
  preview: {
    headers: isolationHeaders,
  },
  // Workers (and workers started from workers) are ES modules, bundled with their imports.
  worker: {
    format: 'es',
  },
  build: {
    outDir: 'web-dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
  },
});

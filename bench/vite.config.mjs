// Vite config for the benchmark page (bench/browser/ → bench/web-dist/), built and served by
// scripts/bench.mjs. The page's workers import the kernel's TypeScript sources directly, so
// the kernel measured in Chromium is the same code as dist/, bundled the way the real page is.
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('./browser', import.meta.url)),
  base: './',
  logLevel: 'warn',
  worker: { format: 'es' },
  build: {
    outDir: fileURLToPath(new URL('./web-dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    minify: true,
  },
});

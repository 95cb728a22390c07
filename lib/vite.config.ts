// Vite config for the library's browser entry (lib/browser.ts → lib-dist/browser/wasmvisor.js).
// Not Vite's library mode: that inlines every asset (the base image) as base64 and hides workers.
// An app build with one entry instead, whose output keeps the kernel worker, the process worker,
// the base image and the default image as files in lib-dist/browser/assets/. They are referenced
// as `new URL('./assets/…', import.meta.url)`, the form a consumer's bundler (Vite) follows: the
// plugin below turns Vite's own references, which it writes so that bundlers do *not* follow them,
// into that form.
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Rewrites how Vite refers to a worker it emitted,
 *   new URL(/* @vite-ignore *\/ new URL("assets/x.js", import.meta.url).href, "" + import.meta.url)
 * (written so that no bundler follows it), into `new URL("./assets/x.js", import.meta.url)`,
 * which the consumer's bundler bundles as a worker; and gives asset URLs a leading "./".
 */
function followableUrls(): Plugin {
  const worker = /new URL\(\s*\/\* @vite-ignore \*\/\s*new URL\("([^"]+)", import\.meta\.url\)\.href,\s*"" \+ import\.meta\.url\s*\)/g;
  const bare = /new URL\("(?!\.|\/|[a-z]+:)([^"]+)", import\.meta\.url\)/g;
  return {
    name: 'wasmvisor:followable-urls',
    generateBundle(_, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk') continue;
        chunk.code = chunk.code.replace(worker, 'new URL("$1", import.meta.url)').replace(bare, 'new URL("./$1", import.meta.url)');
      }
    },
  };
}

const files = {
  entryFileNames: 'wasmvisor.js',
  chunkFileNames: 'assets/[name].js',
  assetFileNames: 'assets/[name][extname]',
};

export default defineConfig({
  root,
  base: './',
  publicDir: false,
  worker: {
    format: 'es',
    plugins: () => [followableUrls()],
    rollupOptions: { output: { entryFileNames: 'assets/[name].js', chunkFileNames: 'assets/[name].js', assetFileNames: 'assets/[name][extname]' } },
  },
  plugins: [followableUrls()],
  build: {
    outDir: 'lib-dist/browser',
    emptyOutDir: true,
    target: 'es2022',
    minify: false,
    // Every asset stays a file (the consumer's bundler decides what to inline).
    assetsInlineLimit: 0,
    modulePreload: false,
    rollupOptions: {
      input: { wasmvisor: 'lib/browser.ts' },
      preserveEntrySignatures: 'strict',
      output: files,
    },
  },
});

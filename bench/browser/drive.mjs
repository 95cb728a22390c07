// Node side of the Chromium part of `npm run bench`: builds the bench page with Vite, serves it
// (with the cross-origin isolation headers SharedArrayBuffer needs, and the programs under
// /programs/), runs window.bench.run in headless Chromium and returns its results; then the
// console rows on the real app page in the same browser (console.mjs).
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, normalize, extname } from 'node:path';

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm',
  '.map': 'application/json', '.css': 'text/css' };

export function serve(webDist, programsDir) {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    let path = decodeURIComponent(url.pathname);
    if (path === '/') path = '/index.html';
    const base = path.startsWith('/programs/') ? programsDir : webDist;
    const rel = path.startsWith('/programs/') ? path.slice('/programs'.length) : path;
    const file = normalize(join(base, rel));
    const headers = {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Cache-Control': 'no-store',
    };
    if (!file.startsWith(base)) {
      res.writeHead(403, headers).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404, headers).end('not found');
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

export function chromiumPath() {
  for (const p of [process.env.WASMVISOR_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser']) {
    if (p && existsSync(p)) return p;
  }
  return undefined; // Playwright's own, if installed
}

/** Headless Chromium with the flags this machine needs (Debian's, or Playwright's own). */
export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: chromiumPath(),
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

export async function browserBench({ root, scale, log }) {
  const { build } = await import('vite');
  log('Chromium: building the bench page (vite)');
  await build({ configFile: join(root, 'bench/vite.config.mjs'), logLevel: 'warn' });
  const server = await serve(join(root, 'bench/web-dist'), join(root, 'bench/programs/build'));
  const browser = await launchChromium();
  try {
    const { port } = server.address();
    // A page in a new browser context (its own renderer process) for each part.
    const open = async () => {
      const page = await browser.newPage();
      page.on('console', (m) => {
        const t = m.text();
        if (t.startsWith('[bench] ')) log(t.slice(8));
        else if (m.type() === 'error' || m.type() === 'warning') log(`Chromium console: ${t}`);
      });
      page.on('pageerror', (e) => log(`Chromium page error: ${e.message}`));
      await page.goto(`http://127.0.0.1:${port}/`);
      await page.waitForFunction(() => window.bench !== undefined);
      return page;
    };
    const page = await open();
    const results = await page.evaluate((cfg) => window.bench.run(cfg), { scale });
    results.version = browser.version();
    await page.close();
    // The pipe rows on a fresh page (a new renderer process): a renderer holds only ~124 wasm
    // memories at once (each reserves ~8 GiB of address space), and after the suites' hundreds of
    // processes and instances kernel.spawn sometimes failed with "WebAssembly.Memory(): could not
    // allocate memory" — exited processes' memories stay alive until the (recycled, idle) process
    // workers collect garbage, which they seldom do.
    // A failed part leaves its rows empty ("—") and says why under the table (partErrors).
    const part = async (name, rows) => {
      try {
        Object.assign(results.wasmvisor, await rows());
      } catch (e) {
        log(`Chromium ${name} part failed: ${e?.stack ?? e}`);
        (results.partErrors ??= {})[name] = String(e?.message ?? e);
      }
    };
    await part('pipe', async () => {
      const p = await open();
      try {
        return await p.evaluate((cfg) => window.bench.pipe(cfg), { scale });
      } finally {
        await p.close();
      }
    });
    // The console rows: the real app page (web-dist/ from `npm run build`), its xterm.js.
    await part('console', async () => {
      const { consoleBench } = await import('./console.mjs');
      return consoleBench({ browser, root, scale, log });
    });
    // The stored machine (issue 7): the real app page in a fresh context, its IndexedDB.
    try {
      const { storageBench } = await import('./storage.mjs');
      results.storage = await storageBench({ browser, root, scale, log });
    } catch (e) {
      log(`Chromium storage part failed: ${e?.stack ?? e}`);
      (results.partErrors ??= {}).storage = String(e?.message ?? e);
    }
    return results;
  } finally {
    await browser.close();
    server.close();
  }
}

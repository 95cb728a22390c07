// Node side of the stored-machine benchmarks (Chromium only: IndexedDB is the browser's). Serves
// the real app (web-dist/ of `npm run build`) with `vite preview`, as console.mjs does, in a fresh
// browser context (an empty IndexedDB), and drives `window.wasmvisor` and the console. Rows:
//   idbfs_write / tmpfs_write   io.wasm file 64: 64 MiB written in 64 KiB writes to /root (idbfs)
//                               or /tmp (tmpfs), plus, for idbfs, the flush that stores it: MiB/s
//   idbfs_read / tmpfs_read     the same file read back (the program's own timing): MiB/s
//   idbfs_pwrite1 / tmpfs_pwrite1  calls.wasm pwrite 100000: 1-byte writes, plus the flush: writes/s
//   reload_10k                  with 10,000 files stored under /root/many: page.reload() → the
//                               shell's prompt on screen, ms (target ≤ 1000)
//   image_import                wasmvisor.images.load of a 50 MiB docker-save archive: MB/s
//   hello_click                 typing `run younglook/wasi-hello` + Enter → the prompt back with
//                               "hello world" above it, ms (in-page timing, as console.mjs)
// Each row: one untimed warm-up, then the median of 5 runs (3 for reload_10k and image_import).
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { median } from '../lib/suite.mjs';
import { timeCommand, openConsole, waitIdlePrompt } from './console.mjs';

function b64(bytes) {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Runs a bench program in the page; returns its "<label> <ns> <count>" lines, parsed. */
async function runProgram(page, argv, dirs) {
  const r = await page.evaluate(({ argv, dirs }) => window.wasmvisor.run({ argv, dirs }), { argv, dirs });
  if (r.exitCode !== 0) throw new Error(`${argv.join(' ')}: exit ${r.exitCode}: ${r.stderr}`);
  const out = {};
  for (const line of r.stderr.split('\n')) {
    const m = /^(\S+) (\d+) (\d+)$/.exec(line.trim());
    if (m) out[m[1]] = { ns: Number(m[2]), count: Number(m[3]) };
  }
  return out;
}

/** ms of `fn` in the page's clock (performance.now around an async evaluate). */
async function flushMs(page) {
  return page.evaluate(async () => {
    const t0 = performance.now();
    await window.wasmvisor.flush();
    return performance.now() - t0;
  });
}

export async function storageBench({ browser, root, scale = 1, log }) {
  const { preview } = await import('vite');
  // The import archive is served next to the app (built here, not timed).
  const mib = Math.max(4, Math.round(50 * scale));
  const { dockerSave } = await import(join(root, 'dist/test/oci/build.js'));
  const big = new Uint8Array(mib * 1024 * 1024);
  for (let i = 0; i < big.length; i += 4096) big[i] = (i >>> 12) & 0xff;
  const archive = await dockerSave([{ tags: ['bench/big:1'], layers: [[{ path: 'big.bin', data: big }]] }]);
  mkdirSync(join(root, 'web-dist', 'bench-tmp'), { recursive: true });
  writeFileSync(join(root, 'web-dist', 'bench-tmp', 'big.tar'), archive);

  const server = await preview({
    root, configFile: join(root, 'vite.config.ts'), logLevel: 'warn',
    preview: { host: '127.0.0.1', port: 4192, strictPort: false, open: false },
  });
  const url = server.resolvedUrls?.local?.[0];
  if (!url) throw new Error('vite preview gave no URL');
  const context = await browser.newContext();
  const page = await context.newPage();
  const results = {};
  try {
    log('Chromium: the stored machine (the app page, IndexedDB)');
    await openConsole(page, url, log);
    const st = await page.evaluate(() => window.wasmvisor.status());
    if (st.machine !== 'indexeddb') throw new Error(`the bench page's machine is not stored: ${st.machineNote ?? st.machine}`);
    for (const name of ['io', 'calls']) {
      const bytes = readFileSync(join(root, 'bench/programs/build', `${name}.wasm`));
      await page.evaluate(([p, data]) => window.wasmvisor.fs.writeFile(p, Uint8Array.from(atob(data), (c) => c.charCodeAt(0))), [`/${name}.wasm`, b64(bytes)]);
    }

    // 64 MiB write and read, idbfs (with its flush) vs tmpfs.
    const fileMiB = Math.max(4, Math.round(64 * scale));
    for (const [fs, dir] of [['idbfs', '/root'], ['tmpfs', '/tmp']]) {
      log(`Chromium storage: io.wasm file ${fileMiB} on ${fs}`);
      await runProgram(page, ['/io.wasm', 'file', String(Math.max(1, fileMiB >> 3))], [dir]);
      if (fs === 'idbfs') await flushMs(page);
      const w = [];
      const r = [];
      for (let k = 0; k < 5; k++) {
        const out = await runProgram(page, ['/io.wasm', 'file', String(fileMiB)], [dir]);
        const stored = fs === 'idbfs' ? await flushMs(page) : 0;
        w.push(fileMiB / ((out.file_write.ns / 1e9) + stored / 1000));
        r.push(fileMiB / (out.file_read.ns / 1e9));
      }
      results[`${fs}_write`] = { median: median(w), samples: w };
      results[`${fs}_read`] = { median: median(r), samples: r };
    }
    // The 64 MiB scratch file is not what the rows below are about (a reload would load it).
    await timeCommand(page, 'rm /root/io.dat', 30_000);
    await flushMs(page);
    // 1-byte writes.
    const n = Math.max(10_000, Math.round(100_000 * scale));
    for (const [fs, dir] of [['idbfs', '/root'], ['tmpfs', '/tmp']]) {
      log(`Chromium storage: calls.wasm pwrite ${n} on ${fs}`);
      await runProgram(page, ['/calls.wasm', 'pwrite', String(n / 10)], [dir]);
      const xs = [];
      for (let k = 0; k < 5; k++) {
        const out = await runProgram(page, ['/calls.wasm', 'pwrite', String(n)], [dir]);
        const stored = fs === 'idbfs' ? await flushMs(page) : 0;
        const label = Object.keys(out)[0];
        xs.push(n / ((out[label].ns / 1e9) + stored / 1000));
      }
      results[`${fs}_pwrite1`] = { median: median(xs), samples: xs };
    }

    // Image import.
    log(`Chromium storage: images.load of a ${mib} MiB archive`);
    const imp = [];
    for (let k = 0; k < 4; k++) {
      const ms = await page.evaluate(async (u) => {
        const bytes = new Uint8Array(await (await fetch(u)).arrayBuffer());
        await window.wasmvisor.images.remove('bench/big:1').catch(() => {});
        const t0 = performance.now();
        await window.wasmvisor.images.load(bytes);
        return performance.now() - t0;
      }, `${url}bench-tmp/big.tar`);
      if (k > 0) imp.push((archive.length / 1e6) / (ms / 1000));
    }
    results.image_import = { median: median(imp), samples: imp };

    // run younglook/wasi-hello, typed.
    log('Chromium storage: run younglook/wasi-hello (typed)');
    await timeCommand(page, 'run younglook/wasi-hello', 30_000);
    const hello = [];
    for (let k = 0; k < 5; k++) {
      const t = await timeCommand(page, 'run younglook/wasi-hello', 30_000);
      if (t.last !== 'hello world') throw new Error(`run younglook/wasi-hello: last row ${JSON.stringify(t.last)}`);
      hello.push(t.ms);
    }
    results.hello_click = { median: median(hello), samples: hello };

    // Reload with 10,000 stored files (and nothing else of size: the scratch files go first).
    await timeCommand(page, 'rm /root/calls.dat', 30_000);
    const files = Math.max(1000, Math.round(10_000 * scale));
    log(`Chromium storage: reload with ${files} stored files`);
    await page.evaluate(async (count) => {
      await window.wasmvisor.fs.mkdir('/root/many');
      const jobs = [];
      for (let i = 0; i < count; i++) jobs.push(window.wasmvisor.fs.writeFile(`/root/many/f${i}`, `file ${i}\n`));
      await Promise.all(jobs);
      await window.wasmvisor.flush();
    }, files);
    const reload = [];
    for (let k = 0; k < 4; k++) {
      const t0 = Date.now();
      await page.reload();
      await page.waitForFunction(() => window.wasmvisorConsole !== undefined);
      await waitIdlePrompt(page, 30_000, 10);
      const ms = Date.now() - t0;
      if (k > 0) reload.push(ms);
    }
    const count = await page.evaluate(async () => (await window.wasmvisor.fs.readdir('/root/many')).length);
    if (count !== files) throw new Error(`after the reloads /root/many holds ${count} files, want ${files}`);
    results.reload_10k = { median: median(reload), samples: reload, files };
    return results;
  } finally {
    await context.close();
    await new Promise((r) => server.httpServer.close(r));
  }
}

#!/usr/bin/env node
// Where a Chromium syscall crossing spends its time: runs wasmvisor's fd_seek case (bench
// calls.wasm, 20,000 crossings a run) on the bench page under a Chromium trace (CDP Tracing,
// the renderer's scheduler and V8 categories) and reports, for the kernel's worker thread and the
// program's worker thread: how many event-loop tasks ran while the case ran, the time in them,
// the gaps between them (where the thread slept or waited for a turn of the loop) and the longest.
// The kernel thread should run in few long tasks (it spins and serves without yielding); many short
// tasks or long gaps there are the crossing's time lost to the event loop.
//
//   node bench/browser/trace.mjs [--calls N] [--row seek|pwrite] [--json FILE]
// (`npm run build:kernel` is not needed: the bench page bundles the TypeScript sources.)
import { writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve, launchChromium } from './drive.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const argv = process.argv.slice(2);
const opt = (name, dflt) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : dflt);
const row = opt('--row', 'seek');
const scale = Number(opt('--calls', '20000')) / 20000;
const jsonPath = opt('--json');

const { build } = await import('vite');
await build({ configFile: join(root, 'bench/vite.config.mjs'), logLevel: 'warn' });
const server = await serve(join(root, 'bench/web-dist'), join(root, 'bench/programs/build'));
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForFunction(() => window.bench !== undefined);
  const cdp = await page.context().newCDPSession(page);
  const events = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...e.value));
  const done = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
  await cdp.send('Tracing.start', {
    transferMode: 'ReportEvents',
    traceConfig: { includedCategories: ['toplevel', 'v8', 'devtools.timeline', 'disabled-by-default-devtools.timeline', '__metadata'] },
  });
  const t0 = Date.now();
  const results = await page.evaluate((cfg) => window.bench.some(cfg), { runtime: 'wasmvisor', only: [row], scale });
  const wallMs = Date.now() - t0;
  await cdp.send('Tracing.end');
  await done;
  console.log(`wasmvisor ${row} in Chromium: median ${results[row]?.median?.toFixed(0)} ns/op over ${results[row]?.samples?.length} runs ` +
    `(${results[row]?.samples?.map((x) => x.toFixed(0)).join(', ')}); traced ${events.length} events in ${wallMs} ms`);

  // Threads: names from metadata; the kernel is the suite worker, the programs its nested workers.
  const names = new Map();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, e.args?.name ?? '');
  const tasks = new Map(); // thread -> [{ ts, dur }] of top-level tasks
  const wasm = new Map(); // thread -> µs in wasm/JS execution (v8 events)
  for (const e of events) {
    if (e.ph !== 'X' || e.dur === undefined) continue;
    const key = `${e.pid}:${e.tid}`;
    if (!/worker/i.test(names.get(key) ?? '')) continue;
    if (e.name === 'ThreadControllerImpl::RunTask' || e.name === 'RunTask') {
      if (!tasks.has(key)) tasks.set(key, []);
      tasks.get(key).push({ ts: e.ts, dur: e.dur });
    }
    if (e.name === 'v8.run' || e.name === 'FunctionCall' || e.name === 'V8.Execute') wasm.set(key, (wasm.get(key) ?? 0) + e.dur);
  }
  const report = [];
  for (const [key, all] of tasks) {
    all.sort((a, b) => a.ts - b.ts);
    // Top-level only: a task slice nested in the one before (the scheduler's and the thread
    // controller's slices of the same task) is not another task.
    const list = [];
    for (const t of all) {
      const prev = list.at(-1);
      if (prev && t.ts < prev.ts + prev.dur) continue;
      list.push(t);
    }
    let busy = 0;
    let longestTask = 0;
    const gaps = [];
    for (let i = 0; i < list.length; i++) {
      busy += list[i].dur;
      longestTask = Math.max(longestTask, list[i].dur);
      if (i > 0) gaps.push(list[i].ts - (list[i - 1].ts + list[i - 1].dur));
    }
    gaps.sort((a, b) => a - b);
    const pct = (q) => (gaps.length ? gaps[Math.min(gaps.length - 1, Math.floor(q * gaps.length))] : 0);
    report.push({
      thread: `${names.get(key)} (${key})`, tasks: list.length, busyMs: busy / 1000, longestTaskMs: longestTask / 1000,
      gapMedianUs: pct(0.5), gapP90Us: pct(0.9), longestGapMs: (gaps.at(-1) ?? 0) / 1000,
      gapsOver1ms: gaps.filter((g) => g > 1000).length, execMs: (wasm.get(key) ?? 0) / 1000,
    });
  }
  report.sort((a, b) => b.busyMs - a.busyMs);
  console.log('thread                                   tasks   busy ms  longest task ms  gap median µs  gap p90 µs  longest gap ms  gaps >1 ms');
  for (const r of report.slice(0, 6)) {
    console.log(`${r.thread.slice(0, 40).padEnd(40)} ${String(r.tasks).padStart(6)} ${r.busyMs.toFixed(1).padStart(9)} ` +
      `${r.longestTaskMs.toFixed(1).padStart(16)} ${r.gapMedianUs.toFixed(0).padStart(14)} ${r.gapP90Us.toFixed(0).padStart(11)} ` +
      `${r.longestGapMs.toFixed(2).padStart(15)} ${String(r.gapsOver1ms).padStart(11)}`);
  }
  if (jsonPath) writeFileSync(jsonPath, JSON.stringify({ row, results, threads: report }, null, 2));
} finally {
  await browser.close();
  server.close();
}

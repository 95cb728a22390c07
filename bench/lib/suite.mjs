// The benchmark suite, shared by the Node driver and the Chromium page: which program runs with
// which arguments, how its report is read, and how repeated runs are reduced to a median.
// Runs unchanged in Node, in a page and in a Web Worker (no host APIs here).
//
// A runtime (wasmvisor, node:wasi, browser_wasi_shim) is an object with
//   name: string
//   run(prog, args, { stdout }): Promise<{ code, stderr, ms }>
// where prog names a program of bench/programs/build, args are its arguments after argv[0],
// stdout is 'null' (discard) and ms is the wall time from start to exit, module already compiled.

/** Units and the direction in which each is better. */
export const UNITS = {
  'ns/op': { better: 'lower' },
  'µs/file': { better: 'lower' },
  'MiB/s': { better: 'higher' },
  ms: { better: 'lower' },
  'MB/s': { better: 'higher' },
  'lines/s': { better: 'higher' },
  'entries/s': { better: 'higher' },
  'programs/s': { better: 'higher' },
};

/**
 * The cases. `metrics` maps a report label of the program to the row it feeds and how:
 *   perOp: elapsed_ns / count (ns/op);  rate: count bytes / elapsed (MiB/s);  ms: elapsed in ms;
 *   perFileUs: elapsed µs / count;  perSec: count / elapsed s (entries/s).
 * `runtimes` (optional) names the runtimes a case runs on; `nodeOnly` keeps it out of the page.
 * `scale` shrinks the work for quick runs (--quick).
 */
export function cases(scale = 1) {
  const n = (v) => String(Math.max(1, Math.round(v * scale)));
  return [
    { id: 'clock', prog: 'calls', args: ['clock', n(1_000_000)], repeats: 5,
      metrics: { clock: { row: 'clock', how: 'perOp' } } },
    { id: 'random', prog: 'calls', args: ['random', n(200_000)], repeats: 5,
      metrics: { random: { row: 'random', how: 'perOp' } } },
    { id: 'pwrite', prog: 'calls', args: ['pwrite', n(20_000)], repeats: 5,
      metrics: { pwrite: { row: 'pwrite', how: 'perOp' } } },
    { id: 'seek', prog: 'calls', args: ['seek', n(20_000)], repeats: 5,
      metrics: { seek: { row: 'seek', how: 'perOp' } } },
    { id: 'stdout', prog: 'io', args: ['stdout', n(256)], repeats: 5,
      metrics: { stdout: { row: 'stdout', how: 'rate' } } },
    // The warm-up run is smaller here: browser_wasi_shim's File grows by copying (quadratic).
    { id: 'file', prog: 'io', args: ['file', n(64)], warmArgs: ['file', n(16)], repeats: 3,
      metrics: { file_write: { row: 'file_write', how: 'rate' }, file_read: { row: 'file_read', how: 'rate' } } },
    { id: 'files', prog: 'io', args: ['files', n(2000)], repeats: 5,
      metrics: { files: { row: 'files', how: 'ms' } } },
    { id: 'cpu', prog: 'cpu', args: [n(200_000_000)], repeats: 5,
      metrics: { cpu: { row: 'cpu', how: 'ms' } } },
    // wasmvisor only, under Node (on its tmpfs): the peers scan the directory from the start on
    // every call (node:wasi read 10,000 entries this way at ~440 entries/s, so 100,000 would take
    // hours; browser_wasi_shim re-lists the directory each call), so they get no figure here.
    { id: 'readdir', prog: 'readdir', args: [n(100_000)], repeats: 3, nodeOnly: true,
      runtimes: ['wasmvisor'], metrics: { readdir: { row: 'readdir', how: 'perSec' } } },
  ];
}

/** The rows of the table, in order: what each measures and its unit. */
export const ROWS = {
  clock: { title: '1. clock_time_get', unit: 'ns/op' },
  random: { title: '1b. random_get (16 B)', unit: 'ns/op' },
  pwrite: { title: '2. fd_pwrite 1 B', unit: 'ns/op' },
  seek: { title: '3. fd_seek', unit: 'ns/op' },
  pwrite_busy: { title: '2. fd_pwrite 1 B, no free core', unit: 'ns/op' },
  seek_busy: { title: '3. fd_seek, no free core', unit: 'ns/op' },
  stdout: { title: '4. stdout 256 MiB (64 KiB writes)', unit: 'MiB/s' },
  file_write: { title: '5. 64 MiB file write (64 KiB)', unit: 'MiB/s' },
  file_read: { title: '5. 64 MiB file read (64 KiB)', unit: 'MiB/s' },
  files: { title: '6. 2000 files create+stat+unlink', unit: 'ms' },
  hello: { title: '7. hello start→exit (compiled)', unit: 'ms' },
  hello_b2b: { title: '7. hello start→exit, back to back', unit: 'ms' },
  cpu: { title: '8. CPU loop, 200M iterations', unit: 'ms' },
  // wasmvisor only (bench/lib/pipe.mjs, bench/browser/console.mjs): the peers have no pipes and
  // no terminal.
  pipe: { title: '9. cat 64 MiB file | wc -c (kernel pipe)', unit: 'MiB/s' },
  pipe_cat_null: { title: '9. cat 64 MiB file > /dev/null (no pipe)', unit: 'MiB/s' },
  pipe_wc_file: { title: '9. wc -c 64 MiB file (no pipe)', unit: 'MiB/s' },
  console_bytes: { title: '10. console: yes | head -c 50 MB (xterm.js)', unit: 'MB/s' },
  console_bytes_null: { title: '10. console: same pipeline > /dev/null (no terminal)', unit: 'MB/s' },
  console_lines: { title: '10. console: seq 1 200000 (a write a line)', unit: 'lines/s' },
  readdir: { title: '11. fd_readdir 100,000 entries, 64-byte buffer', unit: 'entries/s' },
  script200: { title: '13. sh FILE: a script of 200 small programs', unit: 'programs/s' },
};

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Parses "<label> <elapsed_ns> <count>" lines. */
export function parseReport(text) {
  const out = {};
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+) (\d+) (\d+)$/.exec(line.trim());
    if (m) out[m[1]] = { ns: Number(m[2]), count: Number(m[3]) };
  }
  return out;
}

function value(how, r) {
  switch (how) {
    case 'perOp': return r.ns / r.count;
    case 'rate': return (r.count / 1048576) / (r.ns / 1e9);
    case 'ms': return r.ns / 1e6;
    case 'perFileUs': return r.ns / 1e3 / r.count;
    case 'perSec': return r.count / (r.ns / 1e9);
    default: throw new Error(`unknown metric ${how}`);
  }
}

/** Runs one case `repeats` times; returns { row: { median, samples } }. */
export async function runCase(rt, c, opts = {}) {
  const samples = {};
  const repeats = opts.repeats ?? c.repeats;
  // One untimed run first, so every timed run finds the program's loop tiered up (V8 compiles
  // wasm with Liftoff first and swaps in TurboFan code only for later calls: no OSR).
  for (let k = -1; k < repeats; k++) {
    const args = k < 0 && c.warmArgs ? c.warmArgs : c.args;
    const res = await rt.run(c.prog, args, { stdout: 'null' });
    if (res.code !== 0) throw new Error(`${rt.name}: ${c.prog} ${c.args.join(' ')} exited ${res.code}: ${res.stderr}`);
    if (k < 0) continue;
    const rep = parseReport(res.stderr);
    for (const [label, m] of Object.entries(c.metrics)) {
      const r = rep[label];
      if (!r) throw new Error(`${rt.name}: ${c.prog} ${c.args.join(' ')} did not report ${label}: ${res.stderr}`);
      (samples[m.row + (opts.suffix ?? '')] ??= []).push(value(m.how, r));
    }
  }
  const out = {};
  for (const [row, xs] of Object.entries(samples)) out[row] = { median: median(xs), samples: xs };
  return out;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Hello world, start to exit with the module already compiled, timed from outside.
 * `gapMs` idles between runs (lets wasmvisor's warm worker get ready, as between two commands
 * typed at a console); gapMs 0 is back to back.
 */
export async function runHello(rt, { runs = 20, gapMs = 100, row = 'hello' } = {}) {
  const xs = [];
  // One untimed run first: first-call costs (lazy compilation tiers, first worker) are not the
  // steady state we compare.
  await rt.run('hello', [], { stdout: 'null' });
  for (let k = 0; k < runs; k++) {
    if (gapMs) await sleep(gapMs);
    const res = await rt.run('hello', [], { stdout: 'null' });
    if (res.code !== 0) throw new Error(`${rt.name}: hello exited ${res.code}: ${res.stderr}`);
    xs.push(res.ms);
  }
  return { [row]: { median: median(xs), samples: xs } };
}

/**
 * The whole suite for one runtime. `busy` (optional) is { start(), stop() } that occupies the
 * free core(s) for the "no free core" rows. Returns { row: { median, samples } }.
 */
export async function runSuite(rt, { scale = 1, busy = null, log = () => {}, only = null } = {}) {
  const results = {};
  const inNode = typeof process !== 'undefined' && process.versions?.node !== undefined;
  for (const c of cases(scale)) {
    if (only && !only.includes(c.id)) continue;
    if ((c.nodeOnly && !inNode) || (c.runtimes && !c.runtimes.includes(rt.name))) continue;
    log(`${rt.name}: ${c.id}`);
    Object.assign(results, await runCase(rt, c));
  }
  if (!only || only.includes('hello')) {
    log(`${rt.name}: hello`);
    Object.assign(results, await runHello(rt, { runs: Math.max(5, Math.round(20 * Math.min(1, scale * 4))), gapMs: 100 }));
    Object.assign(results, await runHello(rt, { runs: Math.max(5, Math.round(20 * Math.min(1, scale * 4))), gapMs: 0, row: 'hello_b2b' }));
  }
  if (busy && (!only || only.includes('busy'))) {
    log(`${rt.name}: pwrite/seek with no free core`);
    await busy.start();
    try {
      for (const c of cases(scale).filter((c) => c.id === 'pwrite' || c.id === 'seek')) {
        Object.assign(results, await runCase(rt, c, { suffix: '_busy' }));
      }
    } finally {
      await busy.stop();
    }
  }
  return results;
}

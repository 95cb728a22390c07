#!/usr/bin/env node
// npm run bench: measures wasmvisor against node:wasi and @bjorn3/browser_wasi_shim under Node,
// and against browser_wasi_shim in headless Chromium, with the same programs
// (bench/programs/build/*.wasm), in one run; prints one table, the raw crossing costs and the
// issue's targets. The table also has wasmvisor-only rows: `cat FILE | wc -c` through a kernel
// pipe (Node and Chromium, bench/lib/pipe.mjs) and the console's output throughput on the real
// app page (Chromium, bench/browser/console.mjs). `npm run bench` builds first (dist/ and the
// page); this script builds the bench page (bench/browser/) itself.
//
//   node scripts/bench.mjs [--json FILE] [--quick] [--node-only | --browser-only | --host-only]
//     --json FILE   also write every sample and median as JSON
//     --quick       a tenth of the work (for trying the harness, not for numbers)
//     --host-only   only the host rows (bench/lib/host_rows.mjs: `wasmvisor run` as a whole
//                   process against a node:wasi script; also part of the Node part)
import { readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { runSuite, median } from '../bench/lib/suite.mjs';
import { table, contextTable, targets, targetsBlock, storageBlock } from '../bench/lib/report.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const option = (name) => {
  const k = argv.indexOf(name);
  return k >= 0 ? argv[k + 1] : undefined;
};
const jsonPath = option('--json');
const scale = flag('--quick') ? 0.1 : 1;
const hostOnly = flag('--host-only');
const doNode = !flag('--browser-only') && !hostOnly;
const doBrowser = !flag('--node-only') && !hostOnly;
const doHost = !flag('--browser-only');
const PROGRAMS = ['calls', 'io', 'hello', 'cpu', 'readdir'];
const t0 = performance.now();
const log = (msg) => process.stderr.write(`[${((performance.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${msg}\n`);

const HZ = 100; // USER_HZ, the unit of /proc's CPU times

/** utime+stime (+ cutime+cstime: children it has reaped) of a /proc/PID/stat, in ticks. */
function procTicks(pid, withChildren) {
  const st = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
  // after the name: state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14)
  return { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) + (withChildren ? Number(f[13]) + Number(f[14]) : 0) };
}

/**
 * Who used the CPU while a part of the bench ran, from /proc (Linux only; null elsewhere): the
 * whole machine, this process, and its descendants (Chromium's processes are sampled twice a
 * second while they live, since they are not all reaped by us). The rest is what *other*
 * processes used: the machine may be shared, and a run that other work competed with says so.
 */
function cpuMeter({ sampleChildren }) {
  const machineTicks = () => {
    const c = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    return c[0] + c[1] + c[2] + c[5] + c[6] + (c[7] ?? 0); // user nice system irq softirq steal
  };
  try {
    const t0 = performance.now();
    const m0 = machineTicks();
    const self0 = procTicks('self', !sampleChildren).ticks;
    const seen = new Map();
    const sample = () => {
      const parent = new Map();
      for (const name of readdirSync('/proc')) {
        if (!/^\d+$/.test(name)) continue;
        try {
          const { ppid, ticks } = procTicks(name, false);
          parent.set(Number(name), { ppid, ticks });
        } catch {}
      }
      for (const [pid, { ticks }] of parent) {
        for (let p = parent.get(pid)?.ppid, hops = 0; p && hops < 16; p = parent.get(p)?.ppid, hops++) {
          if (p === process.pid) {
            seen.set(pid, Math.max(seen.get(pid) ?? 0, ticks));
            break;
          }
        }
      }
    };
    const timer = sampleChildren ? setInterval(sample, 500) : null;
    return {
      /** Share (0..1 of all cores) other processes used since the meter started. */
      stop() {
        if (timer) {
          sample();
          clearInterval(timer);
        }
        const wallMs = performance.now() - t0;
        const machine = machineTicks() - m0;
        const ours = procTicks('self', !sampleChildren).ticks - self0 + [...seen.values()].reduce((a, b) => a + b, 0);
        return Math.max(0, ((machine - ours) * 1000) / HZ / (wallMs * availableParallelism()));
      },
    };
  } catch {
    return { stop: () => null };
  }
}

/** Occupies every core but one with busy-looping processes (for the "no free core" rows). */
function busyLoad() {
  let kids = [];
  return {
    count: Math.max(1, availableParallelism() - 1),
    async start() {
      for (let k = 0; k < this.count; k++) {
        kids.push(spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
      }
      await new Promise((r) => setTimeout(r, 300));
    },
    async stop() {
      for (const c of kids) c.kill('SIGKILL');
      await Promise.all(kids.map((c) => (c.exitCode !== null || c.signalCode !== null ? null : new Promise((r) => c.once('exit', r)))));
      kids = [];
    },
  };
}

async function pingpongs(measure, busy) {
  const { pingpongSchedule } = await import('../bench/lib/pingpong.mjs');
  return pingpongSchedule(measure, busy, scale, median);
}

async function nodeBench() {
  const { wasmvisorRuntime, nodeWasiRuntime, wasmvisorPipeBench } = await import('../bench/lib/node_runtimes.mjs');
  const { shimRuntime } = await import('../bench/lib/shim_runtime.mjs');
  const { measure } = await import('../bench/lib/pingpong.node.mjs');
  const bytes = Object.fromEntries(PROGRAMS.map((p) => [p, new Uint8Array(readFileSync(join(root, 'bench/programs/build', `${p}.wasm`)))]));
  // Each runtime compiles its own modules: tier-up state is per compiled module.
  const compile = () => Object.fromEntries(PROGRAMS.map((p) => [p, new WebAssembly.Module(bytes[p])]));
  const busy = busyLoad();
  const results = {};
  log('Node: raw round trips');
  results.pingpong = await pingpongs(measure, busy);
  const makers = [
    () => wasmvisorRuntime(bytes),
    () => nodeWasiRuntime(compile()),
    () => shimRuntime(compile()),
  ];
  for (const make of makers) {
    const rt = await make();
    try {
      results[rt.name] = await runSuite(rt, { scale, busy, log: (m) => log(`Node ${m}`) });
    } finally {
      rt.close();
    }
  }
  log('Node: cat | wc -c through a kernel pipe');
  Object.assign(results.wasmvisor, await wasmvisorPipeBench({ scale, log: (m) => log(`Node ${m}`) }));
  return results;
}

async function browserBench() {
  const { browserBench: run } = await import('../bench/browser/drive.mjs');
  return run({ root, scale, log });
}

// node:wasi prints an ExperimentalWarning once; it is not ours to show.
process.removeAllListeners('warning');
process.on('warning', (w) => {
  if (w.name !== 'ExperimentalWarning') console.warn(w);
});

const results = { machine: { cores: availableParallelism(), node: process.version, loadBefore: loadavg()[0] }, scale };
results.machine.othersCpu = { node: null, chromium: null };
if (doNode) {
  // Node part: the busy-loop children are reaped by us (cutime); no sampling timer on the
  // kernel's thread while it serves crossings.
  const meter = cpuMeter({ sampleChildren: false });
  results.node = await nodeBench();
  results.machine.othersCpu.node = meter.stop();
}
if (doHost) {
  // Host rows: every run is a child process (reaped by us: cutime).
  const { runHostRows } = await import('../bench/lib/host_rows.mjs');
  const meter = cpuMeter({ sampleChildren: false });
  results.host = await runHostRows({ scale, log });
  const others = meter.stop();
  results.machine.othersCpu.node = Math.max(results.machine.othersCpu.node ?? 0, others ?? 0);
}
if (doBrowser) {
  const meter = cpuMeter({ sampleChildren: true });
  try {
    results.chromium = await browserBench();
  } catch (e) {
    log(`Chromium part failed: ${e?.stack ?? e}`);
    results.chromiumError = String(e?.message ?? e);
  }
  results.machine.othersCpu.chromium = meter.stop();
}
const hostRows = results.host ? await import('../bench/lib/host_rows.mjs') : null;
results.targets = [...targets(results), ...(hostRows ? hostRows.hostTargets(results.host) : [])];
log('done');

function othersLine(o) {
  const pct = (x) => (x === null || x === undefined ? 'n/a' : `${(x * 100).toFixed(0)}%`);
  const worst = Math.max(o.node ?? 0, o.chromium ?? 0);
  return `other processes used ${pct(o.node)} (Node part) and ${pct(o.chromium)} (Chromium part) of the machine's CPU` +
    (worst > 0.1 ? ' — the machine was shared: crossing numbers are sensitive to that, compare with care' : '');
}

const out = [
  `wasmvisor benchmarks — ${results.machine.cores} cores, Node ${process.version}` +
    (results.chromium?.version ? `, Chromium ${results.chromium.version}` : '') + (scale !== 1 ? ` (--quick: ${scale}x work)` : '') +
    `; 1-min load average ${results.machine.loadBefore.toFixed(2)} when it started`,
  othersLine(results.machine.othersCpu),
  'median of repeated runs; ↓ lower is better, ↑ higher is better; "A ÷ B" is wasmvisor\'s figure divided by the',
  'peer\'s in the row\'s unit, followed by whether that is better or worse for wasmvisor.',
  '',
  ...(hostOnly ? [] : [
    table(results),
    ...Object.entries(results.chromium?.partErrors ?? {}).map(([part, e]) => `(Chromium ${part} rows failed: ${e})`),
    '',
    'Crossing context: raw round trips between two threads vs wasmvisor\'s kernel crossing',
    '',
    contextTable(results),
    '',
  ]),
  ...(hostRows ? [hostRows.hostTable(results.host), ''] : []),
  targetsBlock(results.targets),
  ...(doBrowser ? ['', storageBlock(results.chromium?.storage)] : []),
];
console.log(out.join('\n'));
if (jsonPath) {
  writeFileSync(jsonPath, JSON.stringify(results, null, 2));
  log(`wrote ${jsonPath}`);
}
// Stray handles (warm workers, the preview server) must not keep us here.
process.exit(0);

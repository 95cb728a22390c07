// The host rows (issue 12): `wasmvisor run` as a user runs it — one whole Node process per run,
// stdout the host's, files in a real host directory (`--dir`) — against a Node script that runs
// the same module with node:wasi (bench/lib/node_wasi_run.mjs), also one process per run.
//   start      spawn → exit of `run hello.wasm` (ms)
//   stdout     host.wasm stdout 64 4096: 64 MiB in 4 KiB writes to the host's /dev/null (MiB/s,
//              timed by the program); and the same to a pipe this process reads (MiB/s, timed
//              here from the first byte read to the last)
//   files      host.wasm files 2000: create, write 16 B, close, stat, unlink in a --dir host
//              directory (ops/s, timed by the program)
//   files_long the same, 20000 rounds: no target; it shows how much of the 2000-round figure is
//              the kernel's JavaScript being compiled by V8 while it runs (bench/README.md)
//   pread      host.wasm pread 100000: 1-byte fd_pread on a host file (ns/op, timed by the program)
// Each row prints its target, met or missed. Node only; needs dist/ (npm run build:kernel).
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;
const CLI = join(root, 'bin/wasmvisor.js');
const NODE_WASI = join(root, 'bench/lib/node_wasi_run.mjs');
const HOST = join(root, 'bench/programs/build/host.wasm');
const HELLO = join(root, 'bench/programs/build/hello.wasm');

export const HOST_ROWS = {
  start: { title: '12a. `run hello.wasm`, spawn → exit (whole process)', unit: 'ms', better: 'lower' },
  stdout_null: { title: '12b. stdout 64 MiB in 4 KiB writes → host /dev/null', unit: 'MiB/s', better: 'higher' },
  stdout_pipe: { title: '12b. stdout 64 MiB in 4 KiB writes → a pipe read by the bench', unit: 'MiB/s', better: 'higher' },
  files: { title: '12c. --dir host files: create+write+close+stat+unlink', unit: 'ops/s', better: 'higher' },
  files_long: { title: '12c. the same, 20,000 rounds (the kernel\'s JIT warmed up: steady state)', unit: 'ops/s', better: 'higher' },
  pread: { title: '12d. fd_pread 1 B on a host file', unit: 'ns/op', better: 'lower' },
};

/** The targets: wasmvisor ÷ node:wasi in the row's unit, and the limit. */
const TARGETS = [
  { row: 'start', op: '<=', limit: 2, what: 'CLI start: wasmvisor ÷ node:wasi script time' },
  { row: 'stdout_null', op: '>=', limit: 0.5, what: 'stdout to /dev/null (4 KiB writes): wasmvisor ÷ node:wasi throughput' },
  { row: 'stdout_pipe', op: '>=', limit: 0.5, what: 'stdout to a pipe (4 KiB writes): wasmvisor ÷ node:wasi throughput' },
  { row: 'files', op: '>=', limit: 0.5, what: 'host metadata ops: wasmvisor ÷ node:wasi ops/s' },
  { row: 'pread', op: '<=', limit: 2, what: 'host 1-byte pread: wasmvisor ÷ node:wasi time' },
];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** The two commands under test for program + args, with the scratch dir preopened as fd 3. */
function commands(scratch, prog, args) {
  return {
    wasmvisor: [CLI, 'run', '--dir', `${scratch}::/scratch`, prog, ...args],
    'node:wasi': ['--no-warnings', NODE_WASI, '--dir', `${scratch}::/scratch`, prog, ...args],
  };
}

/**
 * Runs `node ...argv` as its own process. stdout: 'null' (the host's /dev/null), or 'pipe' (read
 * here; the bytes are counted and the time from the first to the last is measured).
 */
function runProcess(argv, stdout) {
  return new Promise((resolve, reject) => {
    const nullFd = stdout === 'null' ? openSync('/dev/null', 'w') : null;
    const t0 = performance.now();
    const p = spawn(process.execPath, argv, { stdio: ['ignore', nullFd ?? 'pipe', 'pipe'] });
    let stderr = '';
    let bytes = 0;
    let first = 0;
    let last = 0;
    p.stderr.on('data', (d) => (stderr += d));
    p.stdout?.on('data', (d) => {
      const now = performance.now();
      if (bytes === 0) first = now;
      last = now;
      bytes += d.length;
    });
    p.on('error', reject);
    p.on('close', (code) => {
      const ms = performance.now() - t0;
      if (nullFd !== null) closeSync(nullFd);
      resolve({ code, stderr, ms, bytes, readMs: last - first });
    });
  });
}

function report(stderr, label) {
  const m = new RegExp(`^${label} (\\d+) (\\d+)$`, 'm').exec(stderr);
  if (!m) throw new Error(`no "${label}" report in: ${stderr}`);
  return { ns: Number(m[1]), count: Number(m[2]) };
}

/** The files rows' figure: the calls the program made per second, as it timed them. */
function filesOpsPerSecond(r) {
  const m = report(r.stderr, 'files');
  return m.count / (m.ns / 1e9);
}

async function checked(name, argv, stdout) {
  const r = await runProcess(argv, stdout);
  if (r.code !== 0) throw new Error(`${name}: ${argv.slice(-4).join(' ')} exited ${r.code}: ${r.stderr}`);
  return r;
}

/** Runs every host row for both runtimes; returns { row: { wasmvisor: {median, samples}, 'node:wasi': ... } }. */
export async function runHostRows({ scale = 1, log = () => {} } = {}) {
  const scratch = mkdtempSync(join(tmpdir(), 'wasmvisor-host-bench-'));
  const n = (v) => String(Math.max(1, Math.round(v * scale)));
  const out = {};
  const sample = (row, rt, v) => ((out[row] ??= {})[rt] ??= { samples: [] }).samples.push(v);
  const cases = [
    { row: 'start', prog: HELLO, args: [], repeats: 11, stdout: 'null', value: (r) => r.ms },
    {
      row: 'stdout_null', prog: HOST, args: ['stdout', n(64), '4096'], repeats: 5, stdout: 'null',
      value: (r) => { const m = report(r.stderr, 'stdout'); return m.count / 1048576 / (m.ns / 1e9); },
    },
    {
      row: 'stdout_pipe', prog: HOST, args: ['stdout', n(64), '4096'], repeats: 5, stdout: 'pipe',
      value: (r) => {
        if (r.bytes !== Number(n(64)) * 1048576) throw new Error(`pipe: read ${r.bytes} bytes`);
        return r.bytes / 1048576 / (r.readMs / 1000);
      },
    },
    {
      row: 'files', prog: HOST, args: ['files', n(2000)], repeats: 5, stdout: 'null',
      value: filesOpsPerSecond,
    },
    {
      row: 'files_long', prog: HOST, args: ['files', n(20000)], repeats: 3, stdout: 'null',
      value: filesOpsPerSecond,
    },
    {
      row: 'pread', prog: HOST, args: ['pread', n(100000)], repeats: 5, stdout: 'null',
      value: (r) => { const m = report(r.stderr, 'pread'); return m.ns / m.count; },
    },
  ];
  try {
    for (const c of cases) {
      const cmds = commands(scratch, c.prog, c.args);
      log(`host: ${c.row}`);
      // One untimed run each first (page cache, the CLI's own files); then alternate runtimes so
      // a change in the machine's load hits both alike.
      for (const argv of Object.values(cmds)) await checked(c.row, argv, c.stdout);
      for (let k = 0; k < c.repeats; k++) {
        for (const [rt, argv] of Object.entries(cmds)) sample(c.row, rt, c.value(await checked(c.row, argv, c.stdout)));
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  for (const row of Object.values(out)) for (const r of Object.values(row)) r.median = median(r.samples);
  return out;
}

const fmt = (v) => (v === undefined || Number.isNaN(v) ? '—' : v >= 1000 ? Math.round(v).toLocaleString('en-US') : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

/** The host rows as a Markdown table. */
export function hostTable(res) {
  const lines = [
    '| host row (whole process) | unit | wasmvisor run | node:wasi script | wasmvisor ÷ node:wasi |',
    '| --- | --- | ---: | ---: | --- |',
  ];
  for (const [row, { title, unit, better }] of Object.entries(HOST_ROWS)) {
    const w = res?.[row]?.wasmvisor?.median;
    const n = res?.[row]?.['node:wasi']?.median;
    const r = w / n;
    const word = !(r > 0) ? '' : Math.abs(r - 1) < 0.005 ? ' same' : (better === 'lower' ? r < 1 : r > 1) ? ' better' : ' worse';
    lines.push(`| ${title} | ${unit} ${better === 'lower' ? '↓' : '↑'} | ${fmt(w)} | ${fmt(n)} | ${r > 0 ? r.toFixed(2) + 'x' + word : '—'} |`);
  }
  return lines.join('\n');
}

/** The host targets, in the shape report.mjs's targetsBlock prints. */
export function hostTargets(res) {
  return TARGETS.map(({ row, op, limit, what }) => {
    const value = res?.[row]?.wasmvisor?.median / res?.[row]?.['node:wasi']?.median;
    const met = Number.isNaN(value) || value === undefined ? null : op === '<=' ? value <= limit : value >= limit;
    return { name: what, env: 'Node', value, op, limit, met, note: '' };
  });
}

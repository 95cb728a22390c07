// Turns the results of one run into the printed table, the crossing context and the targets
// block (plain text / Markdown), and evaluates the targets. Pure functions.
import { ROWS, UNITS } from './suite.mjs';

const ROW_ORDER = ['clock', 'random', 'pwrite', 'seek', 'pwrite_busy', 'seek_busy', 'stdout', 'file_write',
  'file_read', 'files', 'hello', 'hello_b2b', 'cpu', 'pipe', 'pipe_cat_null', 'pipe_wc_file', 'console_bytes',
  'console_bytes_null', 'console_lines', 'readdir', 'script200'];

export function fmtValue(v) {
  if (v === undefined || v === null || Number.isNaN(v)) return '—';
  if (v >= 1000) return Math.round(v).toLocaleString('en-US');
  if (v >= 100) return v.toFixed(0);
  if (v >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

/** wasmvisor ÷ peer in the row's own unit, and whether that is better or worse for wasmvisor. */
export function ratio(row, wv, peer) {
  if (!(wv > 0) || !(peer > 0)) return null;
  const r = wv / peer;
  const better = UNITS[ROWS[row].unit].better;
  const faster = better === 'lower' ? r < 1 : r > 1;
  return { r, word: Math.abs(r - 1) < 0.005 ? 'same' : faster ? 'better' : 'worse' };
}

function fmtRatio(row, wv, peer) {
  const q = ratio(row, wv, peer);
  return q ? `${q.r.toFixed(2)}x ${q.word}` : '—';
}

const med = (res, rt, row) => res?.[rt]?.[row]?.median;

/** The main table (Markdown). */
export function table(results) {
  const n = results.node ?? {};
  const c = results.chromium ?? {};
  const lines = [
    '| benchmark | unit | Node: wasmvisor | node:wasi | shim | wasmvisor ÷ node:wasi | wasmvisor ÷ shim | Chromium: wasmvisor | shim | wasmvisor ÷ shim |',
    '| --- | --- | ---: | ---: | ---: | --- | --- | ---: | ---: | --- |',
  ];
  for (const row of ROW_ORDER) {
    const { title, unit } = ROWS[row];
    const better = UNITS[unit].better === 'lower' ? '↓' : '↑';
    const nw = med(n, 'wasmvisor', row), nn = med(n, 'node:wasi', row), ns = med(n, 'shim', row);
    const cw = med(c, 'wasmvisor', row), cs = med(c, 'shim', row);
    lines.push(`| ${title.replaceAll('|', '\\|')} | ${unit} ${better} | ${fmtValue(nw)} | ${fmtValue(nn)} | ${fmtValue(ns)} | ` +
      `${fmtRatio(row, nw, nn)} | ${fmtRatio(row, nw, ns)} | ${fmtValue(cw)} | ${fmtValue(cs)} | ${fmtRatio(row, cw, cs)} |`);
  }
  return lines.join('\n');
}

/** Raw thread-to-thread round trips next to wasmvisor's crossing (Markdown). */
export function contextTable(results) {
  const get = (env, k) => results[env]?.pingpong?.[k]?.median;
  const wv = (env, row) => med(results[env], 'wasmvisor', row);
  const rows = [
    ['Atomics.wait/notify ping-pong, both sleep', 'block'],
    ['same, one side sleeps in Atomics.waitAsync (like the kernel loop)', 'async'],
    ['spin-then-wait ping-pong (20k polls)', 'spin'],
  ];
  const lines = [
    '| round trip (ns) | Node, core free | Node, no free core | Chromium, core free | Chromium, no free core |',
    '| --- | ---: | ---: | ---: | ---: |',
  ];
  for (const [title, k] of rows) {
    lines.push(`| ${title} | ${fmtValue(get('node', k))} | ${fmtValue(get('node', k + '_busy'))} | ` +
      `${fmtValue(get('chromium', k))} | ${fmtValue(get('chromium', k + '_busy'))} |`);
  }
  for (const row of ['pwrite', 'seek']) {
    lines.push(`| wasmvisor ${row === 'pwrite' ? 'fd_pwrite 1 B' : 'fd_seek'} | ${fmtValue(wv('node', row))} | ` +
      `${fmtValue(wv('node', row + '_busy'))} | ${fmtValue(wv('chromium', row))} | ${fmtValue(wv('chromium', row + '_busy'))} |`);
  }
  return lines.join('\n');
}

/** The targets, each evaluated on this run: [{ name, env, value, limit, op, met }]. */
export function targets(results) {
  const out = [];
  const add = (name, env, value, op, limit, note = '') => {
    const met = value === undefined || Number.isNaN(value) ? null : op === '<=' ? value <= limit : value >= limit;
    out.push({ name, env, value, op, limit, met, note });
  };
  const envs = [['node', 'Node'], ['chromium', 'Chromium']];
  for (const [env, label] of envs) {
    const r = results[env];
    if (!r) continue;
    // Chromium's limit is issue 9's (3x the shim's same-thread call); Node keeps the first one's 2x.
    const limit = env === 'chromium' ? 3 : 2;
    const spin = r.pingpong?.spin?.median;
    for (const row of ['pwrite', 'seek']) {
      const floor = spin > limit * med(r, 'shim', row)
        ? `; unreachable with the kernel in another thread: the raw spinning round trip alone is ${fmtValue(spin)} ns, ` +
          `more than ${limit}x the shim's same-thread call (${fmtValue(limit * med(r, 'shim', row))} ns)`
        : '';
      add(`${ROWS[row].title.slice(3)}, core free: wasmvisor ÷ shim`, label, med(r, 'wasmvisor', row) / med(r, 'shim', row), '<=',
        limit, spreadNote(r, row) + floor);
    }
    if (env === 'chromium') {
      // Issue 9: within 1.5x of what the design costs at best here — Chromium's raw spinning round
      // trip between two workers plus the kernel's own dispatch, measured in Node (wasmvisor's
      // crossing there minus Node's raw spinning round trip).
      const nodeSpin = results.node?.pingpong?.spin?.median;
      for (const row of ['pwrite', 'seek']) {
        const dispatch = med(results.node, 'wasmvisor', row) - nodeSpin;
        add(`${ROWS[row].title.slice(3)}, core free: wasmvisor ÷ (raw spin round trip + Node's kernel dispatch)`, label,
          med(r, 'wasmvisor', row) / (spin + Math.max(0, dispatch)), '<=', 1.5,
          `raw spin ${fmtValue(spin)} ns + dispatch ${fmtValue(dispatch)} ns; ${spreadNote(r, row)}`);
      }
    }
    const raw = r.pingpong?.block_busy?.median;
    for (const row of ['pwrite', 'seek']) {
      add(`${ROWS[row].title.slice(3)}, no free core: wasmvisor ÷ raw blocking round trip`, label,
        med(r, 'wasmvisor', row + '_busy') / raw, '<=', 1.3, `raw blocking round trip ${fmtValue(raw)} ns; ${spreadNote(r, row + '_busy')}`);
    }
    if (env === 'node') {
      for (const row of ['clock', 'random']) {
        add(`${ROWS[row].title.replace(/^\w+\. /, '')} (vDSO): wasmvisor ÷ node:wasi`, label, med(r, 'wasmvisor', row) / med(r, 'node:wasi', row), '<=', 1.5);
      }
    }
    for (const row of ['file_write', 'file_read', 'stdout']) {
      add(`${ROWS[row].title.replace(/^\w+\. /, '')}: wasmvisor ÷ shim throughput`, label, med(r, 'wasmvisor', row) / med(r, 'shim', row), '>=', 1);
    }
    add('hello start→exit (compiled): wasmvisor ÷ shim', label, med(r, 'wasmvisor', 'hello') / med(r, 'shim', 'hello'), '<=', 2);
    add('hello start→exit, back to back: wasmvisor ÷ shim', label, med(r, 'wasmvisor', 'hello_b2b') / med(r, 'shim', 'hello_b2b'), '<=', 4);
    if (env === 'node') {
      add('CPU loop: wasmvisor ÷ node:wasi time (within 5%)', label, med(r, 'wasmvisor', 'cpu') / med(r, 'node:wasi', 'cpu'), '<=', 1.05);
    } else {
      add('CPU loop: wasmvisor ÷ shim time (within 5%; no node:wasi in a browser)', label,
        med(r, 'wasmvisor', 'cpu') / med(r, 'shim', 'cpu'), '<=', 1.05);
    }
  }
  return out;
}

/** "5 runs: 1,385–4,775 ns" — the spread of a row's samples (wasmvisor and shim). */
function spreadNote(r, row) {
  const one = (rt) => {
    const xs = r?.[rt]?.[row]?.samples;
    return xs?.length ? `${rt} ${xs.length} runs ${fmtValue(Math.min(...xs))}–${fmtValue(Math.max(...xs))} ns` : null;
  };
  return [one('wasmvisor'), one('shim')].filter(Boolean).join(', ');
}

export function targetsBlock(list) {
  const lines = ['targets (ratios from this run; met when the ratio is on the right side of the limit):'];
  for (const t of list) {
    const mark = t.met === null ? 'n/a   ' : t.met ? 'met   ' : 'MISSED';
    const v = t.value === undefined || Number.isNaN(t.value) ? '—' : `${t.value.toFixed(2)}x`;
    lines.push(`  [${mark}] ${t.env.padEnd(8)} ${t.name}: ${v} (target ${t.op === '<=' ? '≤' : '≥'} ${t.limit}x)` +
      (t.note ? `\n             ${t.note}` : ''));
  }
  const met = list.filter((t) => t.met === true).length;
  lines.push(`  ${met} of ${list.length} targets met`);
  return lines.join('\n');
}

/**
 * The stored machine's rows (Chromium, the app page): idbfs against tmpfs measured in the same
 * run, and the absolute figures with their targets.
 */
export function storageBlock(st) {
  if (!st) return '(no stored-machine rows: the Chromium storage part did not run)';
  const f = (x, d = 1) => (x === undefined ? '—' : x.toFixed(d));
  const m = (k) => st[k]?.median;
  const spread = (k) => (st[k] ? `${f(Math.min(...st[k].samples))}–${f(Math.max(...st[k].samples))}` : '—');
  const rows = [
    ['64 MiB write, MiB/s ↑ (idbfs: until stored)', 'idbfs_write', 'tmpfs_write'],
    ['64 MiB read, MiB/s ↑', 'idbfs_read', 'tmpfs_read'],
    ['1-byte writes, writes/s ↑ (idbfs: until stored)', 'idbfs_pwrite1', 'tmpfs_pwrite1'],
  ];
  const lines = ['Stored machine (Chromium, the app page): idbfs vs tmpfs in the same run', '',
    `  ${'row'.padEnd(48)} ${'idbfs'.padStart(10)} ${'tmpfs'.padStart(10)}  idbfs ÷ tmpfs`];
  for (const [title, a, b] of rows) {
    const d = a.includes('pwrite') ? 0 : 1;
    lines.push(`  ${title.padEnd(48)} ${f(m(a), d).padStart(10)} ${f(m(b), d).padStart(10)}  ${m(a) && m(b) ? (m(a) / m(b)).toFixed(2) + 'x' : '—'}`);
  }
  const reload = m('reload_10k');
  lines.push('', `  image import (docker save, ${'50 MiB'}): ${f(m('image_import'))} MB/s (${spread('image_import')})`,
    `  run younglook/wasi-hello, typed → output and prompt: ${f(m('hello_click'), 0)} ms (${spread('hello_click')})`,
    `  reload → prompt with ${st.reload_10k?.files ?? 10000} stored files: ${f(reload, 0)} ms (${spread('reload_10k')})` +
      `  [${reload === undefined ? 'n/a' : reload <= 1000 ? 'met' : 'MISSED'}] target ≤ 1000 ms`);
  return lines.join('\n');
}

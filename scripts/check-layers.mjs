#!/usr/bin/env node
// Checks the kernel's layering by reading the imports of worker/**/*.ts (CI runs it as part of
// `npm test`): no file under vfs/, fsimpl/, kernel/, shell/, tty/, errors/ or waiter/ imports
// syscalls/ (an ABI is a table registered from above, never imported from below); kernel/
// imports no fsimpl/ (machine/ assembles file systems); and no import circle between folders
// (a folder is a file's directory under worker/: kernel, vfs, fsimpl/tmpfs, platform/wasm, ...).
// Prints what it found and "N passed, N failed" for the three rules; exits 1 on a violation.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const WORKER = join(ROOT, 'worker');

function walk(dir) {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') && !p.endsWith('.d.ts') ? [p] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s*'([^']+)'|import\(\s*'([^']+)'\s*\)/g;
/** file (relative to worker/, '/'-separated) -> files it imports (same form). */
const graph = new Map();
for (const file of walk(WORKER)) {
  const rel = relative(WORKER, file).split(sep).join('/');
  const src = readFileSync(file, 'utf8');
  const deps = [];
  for (const m of src.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2];
    if (!spec.startsWith('.')) continue;
    const target = relative(WORKER, resolve(dirname(file), spec)).split(sep).join('/').replace(/\.js$/, '.ts');
    deps.push(target);
  }
  graph.set(rel, deps);
}

const folderOf = (f) => (f.includes('/') ? f.slice(0, f.lastIndexOf('/')) : '.');
const top = (f) => f.split('/')[0];
const violations = { abi: [], fsimpl: [], circle: [] };

const BELOW_SYSCALLS = new Set(['vfs', 'fsimpl', 'kernel', 'shell', 'tty', 'errors', 'waiter']);
for (const [file, deps] of graph) {
  for (const d of deps) {
    if (BELOW_SYSCALLS.has(top(file)) && top(d) === 'syscalls') violations.abi.push(`${file} imports ${d}`);
    if (top(file) === 'kernel' && top(d) === 'fsimpl') violations.fsimpl.push(`${file} imports ${d}`);
  }
}

// Folder graph, then its strongly connected components (Tarjan): any with two or more folders
// is an import circle.
const edges = new Map();
const why = new Map();
for (const [file, deps] of graph) {
  const a = folderOf(file);
  if (!edges.has(a)) edges.set(a, new Set());
  for (const d of deps) {
    const b = folderOf(d);
    if (a === b) continue;
    edges.get(a).add(b);
    if (!edges.has(b)) edges.set(b, new Set());
    if (!why.has(`${a}>${b}`)) why.set(`${a}>${b}`, `${file} -> ${d}`);
  }
}
let index = 0;
const idx = new Map(), low = new Map(), stack = [], onStack = new Set();
function strong(v) {
  idx.set(v, index); low.set(v, index); index++;
  stack.push(v); onStack.add(v);
  for (const w of edges.get(v)) {
    if (!idx.has(w)) { strong(w); low.set(v, Math.min(low.get(v), low.get(w))); }
    else if (onStack.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
  }
  if (low.get(v) === idx.get(v)) {
    const comp = [];
    let w;
    do { w = stack.pop(); onStack.delete(w); comp.push(w); } while (w !== v);
    if (comp.length > 1) {
      const inside = new Set(comp);
      const shown = [...why].filter(([k]) => { const [a, b] = k.split('>'); return inside.has(a) && inside.has(b); }).map(([, e]) => e);
      violations.circle.push(`folders ${comp.sort().join(', ')} import each other: ${shown.join('; ')}`);
    }
  }
}
for (const v of edges.keys()) if (!idx.has(v)) strong(v);

const rules = [
  ['nothing below the syscall tables imports syscalls/', violations.abi],
  ['kernel/ imports no fsimpl/', violations.fsimpl],
  ['no import circle between folders', violations.circle],
];
let failed = 0;
for (const [name, found] of rules) {
  console.log(`${found.length ? '✖' : '✔'} ${name}`);
  for (const f of found) console.log(`    ${f}`);
  if (found.length) failed++;
}
console.log(`layers: ${graph.size} files in ${edges.size} folders`);
console.log(`${rules.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);

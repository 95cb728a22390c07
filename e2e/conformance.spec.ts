// WASI conformance in Chromium: every case of test/conformance_cases.ts (the table that
// test/conformance.test.ts runs under node:wasi and `wasmvisor run`) run in the page through
// `window.wasmvisor.run`, with the same expected output and exit status.
//
// Each case gets a fresh page, so a fresh kernel whose in-memory file system holds only the
// machine's own directories: the program goes to /conformance/PROGRAM.wasm (its bytes read here,
// in Node, from test/programs/build/), and the case's declarative `setup` is made with
// wasmvisor.fs.mkdir / writeFile, relative to the base `/` (the sandbox is `/sandbox`, and
// `secret.txt` of path_ops lies at `/secret.txt`, outside it). The fs api has no symlink call, so
// symlinks are made by a small WASI program (SYMLINK_WAT: path_symlink for each TARGET LINK
// argument pair) run with the root as its preopen. The program then runs with
// `dirs: ['/sandbox']`, preopened under its own name as with `--dir HOST::/sandbox`, and the
// case's `after` invariants are checked through wasmvisor.fs.readdir / readFile.
//
// Where the page run legitimately differs from the CLI's, the case's `page` entry says so:
//   - `spin` never ends: the CLI test kills the process from outside after timeoutMs; here
//     `timeoutSeconds` makes the kernel kill it, so it ends with 128+9 (SIGKILL) and a reason
//     naming the timeout;
//   - `grow` runs with a `memoryLimit` (malloc reaches NULL sooner than at the default limit);
//   - `page.diffs` lists expected lines that the page prints differently, with the reason (none
//     so far: stdin/stdout/stderr are the kernel's buffers here, host pipes on the CLI, but no
//     program prints what differs between the two);
//   - `page.known` is a bug, not a legitimate difference: the test asserts the output the bug
//     gives (so anything else still fails) and fails once the output is the spec's, asking for
//     the entry to be removed.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import {
  applyDiffs, CASES, checkAfter, DEFAULT_TIMEOUT_MS, outputLines, SANDBOX, type Case, type FilesView, type PageSpec,
} from '../test/conformance_cases.js';
import { openKernel, wat, writeFile } from './helpers.js';

const BUILD = fileURLToPath(new URL('../test/programs/build/', import.meta.url));

/** The sandbox's parent in the page: the kernel's root. */
const BASE = '/';
const inBase = (rel: string): string => `${BASE}${rel}`;

/** Creates a symlink for each argument pair TARGET LINK; LINK is relative to fd 3 (the
 *  preopen). Exits with the errno of the first path_symlink that fails (100: args failed). */
const SYMLINK_WAT = `(module
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_symlink"
    (func $path_symlink (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  ;; argc at 0, buffer size at 4, argv pointers at 1024, strings at 8192
  (func $strlen (param $p i32) (result i32)
    (local $n i32)
    (block $end
      (loop $next
        (br_if $end (i32.eqz (i32.load8_u (i32.add (local.get $p) (local.get $n)))))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $n))
  (func (export "_start")
    (local $i i32) (local $argc i32) (local $target i32) (local $link i32) (local $e i32)
    (if (call $args_sizes_get (i32.const 0) (i32.const 4)) (then (call $proc_exit (i32.const 100))))
    (if (i32.gt_u (i32.load (i32.const 0)) (i32.const 1024)) (then (call $proc_exit (i32.const 100))))
    (if (i32.gt_u (i32.load (i32.const 4)) (i32.const 57344)) (then (call $proc_exit (i32.const 100))))
    (if (call $args_get (i32.const 1024) (i32.const 8192)) (then (call $proc_exit (i32.const 100))))
    (local.set $argc (i32.load (i32.const 0)))
    (local.set $i (i32.const 1))
    (block $done
      (loop $pair
        (br_if $done (i32.ge_u (i32.add (local.get $i) (i32.const 1)) (local.get $argc)))
        (local.set $target (i32.load (i32.add (i32.const 1024) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $link (i32.load (i32.add (i32.const 1028) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $e (call $path_symlink
          (local.get $target) (call $strlen (local.get $target))
          (i32.const 3) (local.get $link) (call $strlen (local.get $link))))
        (if (local.get $e) (then (call $proc_exit (local.get $e))))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $pair)))))`;

/** `wasmvisor.run`'s options as used here (e2e/helpers.ts's RunOptions lacks `dirs`). */
interface PageRunOptions {
  argv: string[];
  env?: Record<string, string>;
  stdin?: string;
  dirs?: string[];
  memoryLimit?: number;
  timeoutSeconds?: number;
}

interface PageRunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  reason?: string;
}

async function pageRun(page: Page, opts: PageRunOptions): Promise<PageRunResult> {
  return page.evaluate(async (o) => {
    const r = await window.wasmvisor.run(o);
    return { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr, reason: r.reason };
  }, opts);
}

/** Carries out a case's declarative `setup` in the page's file system, under BASE. */
async function setupPage(page: Page, c: Case): Promise<void> {
  await page.evaluate((p) => window.wasmvisor.fs.mkdir(p), inBase(SANDBOX));
  let links: string[] = [];
  const flushLinks = async (): Promise<void> => {
    if (links.length === 0) return;
    const r = await pageRun(page, { argv: ['/conformance/symlink.wasm', ...links], dirs: [BASE] });
    expect(r, `symlink helper (${links.join(' ')})`).toMatchObject({ exitCode: 0 });
    links = [];
  };
  for (const e of c.setup ?? []) {
    if (e.kind === 'symlink') {
      links.push(e.absolute ? inBase(e.target) : e.target, e.path);
      continue;
    }
    await flushLinks();
    if (e.kind === 'dir') await page.evaluate((p) => window.wasmvisor.fs.mkdir(p), inBase(e.path));
    else await writeFile(page, inBase(e.path), e.content);
  }
  await flushLinks();
}

/** The page's files under BASE, for checkAfter. */
function pageView(page: Page): FilesView {
  const list = async (rel: string): Promise<string[]> => {
    const names = await page.evaluate((p) => window.wasmvisor.fs.readdir(p), inBase(rel));
    return names.filter((n) => n !== '.' && n !== '..');
  };
  return {
    readText: (rel) => page.evaluate(async (p) => {
      try {
        return new TextDecoder().decode(await window.wasmvisor.fs.readFile(p));
      } catch {
        return undefined;
      }
    }, inBase(rel)),
    exists: async (rel) => {
      const slash = rel.lastIndexOf('/');
      const parent = slash < 0 ? '' : rel.slice(0, slash);
      try {
        return (await list(parent)).includes(rel.slice(slash + 1));
      } catch {
        return false;
      }
    },
    list,
  };
}

let symlinkWasm: Promise<Uint8Array> | undefined;

/** The output a case's known bug gives instead of `expected`. */
function withKnownBug(expected: string[], known: NonNullable<PageSpec['known']>): string[] {
  let out = applyDiffs(expected, known.diffs);
  if (known.stdoutEndsAfter !== undefined) {
    const at = out.indexOf(known.stdoutEndsAfter);
    if (at < 0) throw new Error(`stdoutEndsAfter: no line ${JSON.stringify(known.stdoutEndsAfter)} in the expected output`);
    out = out.slice(0, at + 1);
  }
  return out;
}

// Every case has its own page (and kernel): they may run in parallel.
test.describe.configure({ mode: 'parallel' });

for (const c of CASES) {
  test(c.name, async ({ page }) => {
    const timeoutSeconds = c.page?.timeoutSeconds ?? (c.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000;
    test.setTimeout(Math.max(30_000, timeoutSeconds * 1000 + 15_000));
    await openKernel(page);
    await page.evaluate(() => window.wasmvisor.fs.mkdir('/conformance'));
    await writeFile(page, `/conformance/${c.program}.wasm`, readFileSync(`${BUILD}${c.program}.wasm`));
    if (c.setup?.some((e) => e.kind === 'symlink')) {
      symlinkWasm ??= wat(SYMLINK_WAT, 'symlink.wat');
      await writeFile(page, '/conformance/symlink.wasm', await symlinkWasm);
    }
    await setupPage(page, c);

    const opts: PageRunOptions = {
      argv: [`/conformance/${c.program}.wasm`, ...(c.args ?? [])],
      env: c.env ?? {},
      stdin: c.stdin ?? '',
      dirs: [`/${SANDBOX}`],
      timeoutSeconds,
    };
    if (c.page?.memoryLimit !== undefined) opts.memoryLimit = c.page.memoryLimit;
    const r = await pageRun(page, opts);

    const ctx = `page: ${c.program}: exit ${r.exitCode}${r.reason ? ` (${r.reason})` : ''}\n--- stderr ---\n${r.stderr}`;
    const expected = applyDiffs(applyDiffs(c.expected ?? [], c.wasmvisorKnown), c.page?.diffs);
    const known = c.page?.known;
    if (known === undefined) {
      expect(outputLines(r.stdout), ctx).toEqual(expected);
    } else {
      test.info().annotations.push({ type: 'known bug', description: known.bug });
      expect(outputLines(r.stdout), `${ctx}\nThe page prints the spec-expected output: the known bug is fixed, `
        + 'remove page.known from this case in test/conformance_cases.ts').not.toEqual(expected);
      expect(outputLines(r.stdout), `${ctx}\nknown bug: ${known.bug}`).toEqual(withKnownBug(expected, known));
    }
    if (c.expectTimeout) {
      expect(r.exitCode, `${ctx}\nexpected the program to be killed at its timeout`).toBe(128 + 9);
      expect(r.reason ?? '', ctx).toMatch(/timeout/i);
    } else {
      expect(r.reason ?? '', `${ctx}\nnot killed by the timeout`).not.toMatch(/timeout/i);
      expect(r.exitCode, `${ctx}\nexit code`).toBe(c.expectedExit);
    }
    if (c.expectedStderr !== undefined) expect(r.stderr, 'stderr').toBe(c.expectedStderr);
    if (c.wasmvisorStderr !== undefined) expect(r.stderr, 'stderr').toMatch(new RegExp(c.wasmvisorStderr));
    if (c.after) expect(await checkAfter(c, pageView(page)), 'sandbox state after the run').toEqual([]);
  });
}

// The base image utilities (base/bin/NAME.wasm, built from base/src by scripts/build-base.sh),
// run in a Node kernel from /bin: each one's main behaviour and its error paths (a bad option
// prints a usage line and exits 2; a missing file is named in the message, exit non-zero).
// api.run has no pipes between programs, so a pipeline is a chain of runs: each run's stdout
// is the next one's stdin.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { nodeKernel, ROOT } from '../helpers.js';
import type { KernelService } from '../../worker/api/api.js';
import type { RunOptions, RunResult } from '../../worker/api/types.js';
import type { Kernel } from '../../worker/kernel/kernel.js';

const BIN = ROOT + 'base/bin/';
const UTILS = [
  'cat', 'cp', 'cut', 'date', 'df', 'du', 'echo', 'env', 'false', 'grep', 'head', 'hello', 'hexdump', 'ln',
  'ls', 'mkdir', 'mv', 'rm', 'rmdir', 'seq', 'sleep', 'sort', 'stat', 'tail', 'tee', 'touch', 'tr', 'true',
  'uname', 'uniq', 'wc', 'yes',
];

let kernel: Kernel;
let api: KernelService;

before(async () => {
  ({ kernel, api } = nodeKernel());
  try {
    await api.fs.mkdir('/bin');
  } catch {
    // The machine may already have /bin (the base image mounted there).
  }
  for (const name of UTILS) {
    const bytes = new Uint8Array(readFileSync(BIN + name + '.wasm'));
    try {
      await api.fs.writeFile('/bin/' + name, bytes);
    } catch (e) {
      // A read-only /bin must already hold this very program.
      assert.deepEqual(new Uint8Array(await api.fs.readFile('/bin/' + name)), bytes, String(e));
    }
  }
});

after(() => kernel.shutdown());

/** Runs /bin/ARGV[0] with the rest of argv. */
function run(argv: string[], opts: Partial<RunOptions> = {}): Promise<RunResult> {
  return api.run({ ...opts, argv: ['/bin/' + argv[0], ...argv.slice(1)] });
}

/** Runs and checks for exit 0 and an empty stderr; returns stdout. */
async function ok(argv: string[], opts: Partial<RunOptions> = {}): Promise<string> {
  const r = await run(argv, opts);
  assert.equal(r.stderr, '', `${argv.join(' ')}: stderr`);
  assert.equal(r.exitCode, 0, `${argv.join(' ')}: exit code`);
  return r.stdout;
}

/** A bad option: a usage line on stderr, exit 2, nothing on stdout. */
async function badOption(argv: string[], opts: Partial<RunOptions> = {}): Promise<void> {
  const r = await run(argv, opts);
  assert.equal(r.exitCode, 2, `${argv.join(' ')}: exit code (stderr ${r.stderr})`);
  assert.match(r.stderr, new RegExp(`^usage: ${argv[0]}( .*)?$`, 'm'), `${argv.join(' ')}: usage line`);
  assert.equal(r.stdout, '');
}

/** A missing file: "PROG: PATH: No such file or directory", a non-zero exit (code when given). */
async function missing(argv: string[], path: string, code?: number): Promise<RunResult> {
  const r = await run(argv);
  assert.ok(r.stderr.includes(`${argv[0]}: ${path}: No such file or directory`), `${argv.join(' ')}: ${r.stderr}`);
  if (code === undefined) assert.notEqual(r.exitCode, 0);
  else assert.equal(r.exitCode, code);
  return r;
}

const text = (s: string) => new TextEncoder().encode(s);
const lines = (...l: string[]) => l.map((x) => x + '\n').join('');

describe('the image', () => {
  test('every utility is built and small', () => {
    const built = readdirSync(BIN).filter((f) => f.endsWith('.wasm')).map((f) => f.slice(0, -5)).sort();
    assert.deepEqual(built, [...UTILS].sort());
    for (const name of UTILS) {
      const size = readFileSync(BIN + name + '.wasm').length;
      assert.ok(size < 128 * 1024, `${name}.wasm is ${size} bytes`);
    }
  });

  test('ls -l /bin lists the utilities', async () => {
    const out = await ok(['ls', '-l', '/bin']);
    const rows = out.trimEnd().split('\n');
    const names = rows.map((r) => r.split(' ').pop());
    for (const name of UTILS) assert.ok(names.includes(name), `${name} in ${out}`);
    // Sorted, regular files, each with its size.
    assert.deepEqual(names, [...names].sort());
    const cat = rows.find((r) => r.endsWith(' cat'))!;
    assert.match(cat, /^-\S{9} +1 +\d+ \w{3} [ \d]\d (\d\d:\d\d| \d{4}) cat$/);
    assert.ok(cat.includes(' ' + readFileSync(BIN + 'cat.wasm').length + ' '), cat);
  });
});

describe('text utilities', () => {
  test('hello, true, false', async () => {
    assert.equal(await ok(['hello']), 'hello world\n');
    await badOption(['hello', 'extra']);
    assert.equal((await run(['true'])).exitCode, 0);
    assert.equal((await run(['true', '--bad'])).exitCode, 0); // POSIX: operands and options ignored
    assert.equal((await run(['false'])).exitCode, 1);
  });

  test('echo: words, -n, -e escapes; echo hello | wc -c is 6', async () => {
    const hello = await ok(['echo', 'hello']);
    assert.equal(hello, 'hello\n');
    assert.equal(await ok(['wc', '-c'], { stdin: hello }), '6\n');
    assert.equal(await ok(['echo', 'a', 'b', ' c']), 'a b  c\n');
    assert.equal(await ok(['echo', '-n', 'x']), 'x');
    assert.equal(await ok(['echo', '-e', 'a\\tb\\nc\\\\\\x41\\0101']), 'a\tb\nc\\AA\n');
    assert.equal(await ok(['echo', '-e', 'stop\\cgone']), 'stop');
    assert.equal(await ok(['echo', 'no\\tescape']), 'no\\tescape\n');
    // Like POSIX/GNU echo, a non-option is text: echo has no bad options.
    assert.equal(await ok(['echo', '-x', '--']), '-x --\n');
  });

  test('cat: files, stdin and "-"; a missing file is reported and skipped', async () => {
    await api.fs.mkdir('/tmp/cat');
    await api.fs.writeFile('/tmp/cat/a', 'A1\nA2\n');
    await api.fs.writeFile('/tmp/cat/b', 'B');
    assert.equal(await ok(['cat', '/tmp/cat/a', '/tmp/cat/b']), 'A1\nA2\nB');
    assert.equal(await ok(['cat'], { stdin: 'from stdin' }), 'from stdin');
    assert.equal(await ok(['cat', '/tmp/cat/b', '-', '/tmp/cat/b'], { stdin: '-in-' }), 'B-in-B');
    const r = await missing(['cat', '/tmp/cat/a', '/tmp/cat/nope', '/tmp/cat/b'], '/tmp/cat/nope', 1);
    assert.equal(r.stdout, 'A1\nA2\nB');
    const dir = await run(['cat', '/tmp/cat']);
    assert.equal(dir.exitCode, 1);
    // Linux says "Is a directory" (EISDIR); this kernel answers fd_read on a directory EBADF.
    assert.match(dir.stderr, /^cat: \/tmp\/cat: (Is a directory|Bad file descriptor)$/m);
    await badOption(['cat', '-z']);
  });

  test('cat and wc of a 64 MiB file', async () => {
    const big = new Uint8Array(64 << 20);
    for (let i = 63; i < big.length; i += 64) big[i] = 10;
    await api.fs.writeFile('/tmp/big', big);
    const t0 = performance.now();
    assert.equal(await ok(['wc', '-c', '/tmp/big']), `${64 << 20} /tmp/big\n`);
    const cat = await run(['cat', '/tmp/big']);
    assert.equal(cat.exitCode, 0);
    assert.equal(cat.stdout.length, 64 << 20);
    assert.equal(await ok(['wc', '-l', '-c'], { stdin: cat.stdout }), ` ${1 << 20} ${64 << 20}\n`);
    assert.ok(performance.now() - t0 < 15000, `took ${performance.now() - t0} ms`);
    assert.equal(await ok(['tail', '-c', '3', '/tmp/big']), '\0\0\n');
    assert.equal(await ok(['head', '-c', '2', '/tmp/big']), '\0\0');
    await ok(['rm', '/tmp/big']);
  });

  test('wc: lines, words, bytes, totals; missing file', async () => {
    assert.equal(await ok(['wc', '-l'], { stdin: 'a\nb\n' }), '2\n');
    assert.equal(await ok(['wc'], { stdin: ' one two\nthree  \n' }), ' 2  3 17\n');
    assert.equal(await ok(['wc', '-w'], { stdin: 'x\ty\vz\r\n' }), '3\n');
    await api.fs.mkdir('/tmp/wc');
    await api.fs.writeFile('/tmp/wc/a', 'a b\nc\n');
    await api.fs.writeFile('/tmp/wc/b', 'hello world, long line\n');
    assert.equal(
      await ok(['wc', '/tmp/wc/a', '/tmp/wc/b']),
      ' 2  3  6 /tmp/wc/a\n 1  4 23 /tmp/wc/b\n 3  7 29 total\n',
    );
    const r = await missing(['wc', '-l', '/tmp/wc/a', '/tmp/wc/nope'], '/tmp/wc/nope', 1);
    assert.equal(r.stdout, '2 /tmp/wc/a\n2 total\n');
    await badOption(['wc', '-x']);
  });

  test('head: -n N, -N, -c N; stops reading an endless input', async () => {
    const ten = lines(...Array.from({ length: 12 }, (_, i) => String(i + 1)));
    assert.equal(await ok(['head'], { stdin: ten }), lines('1', '2', '3', '4', '5', '6', '7', '8', '9', '10'));
    assert.equal(await ok(['head', '-n', '2'], { stdin: ten }), '1\n2\n');
    assert.equal(await ok(['head', '-3'], { stdin: ten }), '1\n2\n3\n');
    assert.equal(await ok(['head', '-c', '4'], { stdin: ten }), '1\n2\n');
    assert.equal(await ok(['head', '-n', '5'], { stdin: 'a\nb' }), 'a\nb');
    // /dev/zero never ends: head must stop after what it needs.
    const zero = await run(['head', '-c', '100000', '/dev/zero'], { timeoutSeconds: 10 });
    assert.equal(zero.exitCode, 0, zero.reason);
    assert.equal(zero.stdout, '\0'.repeat(100000));
    const rnd = await run(['head', '-n', '3', '/dev/urandom'], { timeoutSeconds: 10 });
    assert.equal(rnd.exitCode, 0, rnd.reason);
    await api.fs.writeFile('/tmp/head1', 'one\n');
    assert.equal(await ok(['head', '-n', '1', '/tmp/head1', '/tmp/head1']), '==> /tmp/head1 <==\none\n\n==> /tmp/head1 <==\none\n');
    await missing(['head', '/tmp/nope'], '/tmp/nope', 1);
    await badOption(['head', '-n', 'x']);
    await badOption(['head', '-z']);
  });

  test('tail: -n 2 on a file and on stdin, +N, -c, -N', async () => {
    const seq = await ok(['seq', '20']);
    await api.fs.writeFile('/tmp/tail', seq);
    assert.equal(await ok(['tail', '-n', '2', '/tmp/tail']), '19\n20\n');
    assert.equal(await ok(['tail', '-n', '2'], { stdin: seq }), '19\n20\n');
    assert.equal(await ok(['tail', '-3', '/tmp/tail']), '18\n19\n20\n');
    assert.equal(await ok(['tail', '-n', '+19', '/tmp/tail']), '19\n20\n');
    assert.equal(await ok(['tail', '-n', '+19'], { stdin: seq }), '19\n20\n');
    assert.equal(await ok(['tail', '-c', '4', '/tmp/tail']), '\n20\n');
    assert.equal(await ok(['tail', '-n', '0', '/tmp/tail']), '');
    assert.equal(await ok(['tail', '-n', '1'], { stdin: 'a\nlast' }), 'last');
    assert.equal(await ok(['tail', '-n', '1', '/tmp/tail'], {}), '20\n');
    assert.equal(await ok(['tail'], { stdin: seq }), seq.split('\n').slice(10).join('\n'));
    await missing(['tail', '/tmp/nope'], '/tmp/nope', 1);
    await badOption(['tail', '-n', 'abc']);
  });

  test('grep: BRE, -E, -F, -i, -v, -n, -c, several files; exit 1 on no match, 2 on errors', async () => {
    await api.fs.mkdir('/tmp/grep');
    const fruit = lines('Apple', 'banana', 'cherry', 'Apricot', 'a.b');
    await api.fs.writeFile('/tmp/grep/f', fruit);
    await api.fs.writeFile('/tmp/grep/g', lines('grape', 'apple pie'));
    assert.equal(await ok(['grep', 'an', '/tmp/grep/f']), 'banana\n');
    assert.equal(await ok(['grep', '^A.*[tc]$', '/tmp/grep/f']), 'Apricot\n');
    assert.equal(await ok(['grep', 'an\\(a\\)n\\1', '/tmp/grep/f']), 'banana\n'); // BRE back-reference
    assert.equal(await ok(['grep', '-E', '^(A|c)', '/tmp/grep/f']), 'Apple\ncherry\nApricot\n');
    assert.equal(await ok(['grep', '-i', 'ap'], { stdin: fruit }), 'Apple\nApricot\n');
    assert.equal(await ok(['grep', '-c', 'a'], { stdin: fruit }), '2\n');
    assert.equal(await ok(['grep', '-v', 'a'], { stdin: fruit }), 'Apple\ncherry\nApricot\n');
    assert.equal(await ok(['grep', '-n', 'r'], { stdin: fruit }), '3:cherry\n4:Apricot\n');
    assert.equal(await ok(['grep', '-F', 'a.b'], { stdin: lines('axb', 'a.b') }), 'a.b\n');
    assert.equal(await ok(['grep', 'a.b'], { stdin: lines('axb', 'a.b') }), 'axb\na.b\n');
    assert.equal(await ok(['grep', '-F', '-i', '-x', 'APPLE'], { stdin: fruit }), 'Apple\n');
    assert.equal(await ok(['grep', '-e', 'cherry', '-e', 'grape', '/tmp/grep/f', '/tmp/grep/g']),
      '/tmp/grep/f:cherry\n/tmp/grep/g:grape\n');
    assert.equal(await ok(['grep', '-c', 'apple', '/tmp/grep/f', '/tmp/grep/g']), '/tmp/grep/f:0\n/tmp/grep/g:1\n');
    assert.equal(await ok(['grep', '-l', 'p', '/tmp/grep/f', '/tmp/grep/g']), '/tmp/grep/f\n/tmp/grep/g\n');
    const none = await run(['grep', 'zzz', '/tmp/grep/f']);
    assert.deepEqual([none.exitCode, none.stdout, none.stderr], [1, '', '']);
    const q = await run(['grep', '-q', 'cherry', '/tmp/grep/f']);
    assert.deepEqual([q.exitCode, q.stdout], [0, '']);
    const m = await missing(['grep', 'grape', '/tmp/grep/nope', '/tmp/grep/g'], '/tmp/grep/nope', 2);
    assert.equal(m.stdout, '/tmp/grep/g:grape\n');
    const bad = await run(['grep', 'a\\(', '/tmp/grep/f']);
    assert.equal(bad.exitCode, 2);
    assert.match(bad.stderr, /^grep: a\\\(: /);
    await badOption(['grep', '-Z', 'x']);
    await badOption(['grep']);
  });

  test('seq 1 100000 | sort -r | head -n 1 is 99999; sort -n, -u, -f', async () => {
    const seq = await ok(['seq', '1', '100000']);
    assert.equal(seq.length, 588895);
    const sorted = await ok(['sort', '-r'], { stdin: seq });
    assert.equal(sorted.length, seq.length);
    assert.equal(await ok(['head', '-n', '1'], { stdin: sorted }), '99999\n');
    assert.equal(await ok(['tail', '-n', '1'], { stdin: sorted }), '1\n');
    const numeric = await ok(['sort', '-n', '-r'], { stdin: sorted });
    assert.equal(await ok(['head', '-n', '2'], { stdin: numeric }), '100000\n99999\n');
    assert.equal(await ok(['sort'], { stdin: lines('b', 'a', 'B', 'c', 'a') }), lines('B', 'a', 'a', 'b', 'c'));
    assert.equal(await ok(['sort', '-u'], { stdin: lines('b', 'a', 'b', 'a') }), lines('a', 'b'));
    assert.equal(await ok(['sort', '-f'], { stdin: lines('b', 'a', 'B', 'A') }), lines('A', 'a', 'B', 'b'));
    assert.equal(
      await ok(['sort', '-n'], { stdin: lines('10', '9', '-1', '1.5', 'x', '-0.5', '123456789012345678901') }),
      lines('-1', '-0.5', 'x', '1.5', '9', '10', '123456789012345678901'),
    );
    assert.equal(await ok(['sort', '-n', '-u'], { stdin: lines('2', '02', '1') }), lines('1', '2'));
    assert.equal(await ok(['sort'], { stdin: 'no newline\nat end' }), 'at end\nno newline\n');
    await api.fs.writeFile('/tmp/sort', lines('z', 'y'));
    assert.equal(await ok(['sort', '-o', '/tmp/sort', '/tmp/sort']), '');
    assert.equal(new TextDecoder().decode(await api.fs.readFile('/tmp/sort')), 'y\nz\n');
    const r = await missing(['sort', '/tmp/nope'], '/tmp/nope', 2);
    assert.equal(r.stdout, '');
    await badOption(['sort', '-Q']);
  });

  test('uniq: runs, -c, -d, -u; missing input', async () => {
    const input = lines('a', 'a', 'b', 'c', 'c', 'c', 'a');
    assert.equal(await ok(['uniq'], { stdin: input }), lines('a', 'b', 'c', 'a'));
    assert.equal(await ok(['uniq', '-c'], { stdin: input }), lines('      2 a', '      1 b', '      3 c', '      1 a'));
    assert.equal(await ok(['uniq', '-d'], { stdin: input }), lines('a', 'c'));
    assert.equal(await ok(['uniq', '-u'], { stdin: input }), lines('b', 'a'));
    await api.fs.writeFile('/tmp/uniq', input);
    assert.equal(await ok(['uniq', '/tmp/uniq', '/tmp/uniq.out']), '');
    assert.equal(new TextDecoder().decode(await api.fs.readFile('/tmp/uniq.out')), lines('a', 'b', 'c', 'a'));
    await missing(['uniq', '/tmp/nope'], '/tmp/nope', 1);
    await badOption(['uniq', '-x']);
  });

  test('cut: -d -f, -c, -s', async () => {
    const csv = lines('a:b:c', 'd:e:f', 'plain');
    assert.equal(await ok(['cut', '-d', ':', '-f', '1,3'], { stdin: csv }), lines('a:c', 'd:f', 'plain'));
    assert.equal(await ok(['cut', '-d:', '-f2-', '-s'], { stdin: csv }), lines('b:c', 'e:f'));
    assert.equal(await ok(['cut', '-f', '2'], { stdin: 'x\ty\tz\n' }), 'y\n');
    assert.equal(await ok(['cut', '-c', '2-3,5'], { stdin: 'hello\nab\n' }), lines('elo', 'b'));
    assert.equal(await ok(['cut', '-c', '-2'], { stdin: 'hello\n' }), 'he\n');
    await missing(['cut', '-c1', '/tmp/nope'], '/tmp/nope', 1);
    await badOption(['cut', '-f', '0']);
    await badOption(['cut', '-x']);
    await badOption(['cut']);
  });

  test('tr: ranges, classes, -d, -s, -c', async () => {
    assert.equal(await ok(['tr', 'a-z', 'A-Z'], { stdin: 'Hello, World\n' }), 'HELLO, WORLD\n');
    assert.equal(await ok(['tr', '[:upper:]', '[:lower:]'], { stdin: 'ABC def\n' }), 'abc def\n');
    assert.equal(await ok(['tr', 'abc', 'x'], { stdin: 'aabbcd' }), 'xxxxxd');
    assert.equal(await ok(['tr', '-d', 'l'], { stdin: 'hello\n' }), 'heo\n');
    assert.equal(await ok(['tr', '-s', ' '], { stdin: 'a   b  c\n' }), 'a b c\n');
    assert.equal(await ok(['tr', '-cd', '0-9\\n'], { stdin: 'a1b2c3\n' }), '123\n');
    assert.equal(await ok(['tr', '-s', 'a-z', 'A-Z'], { stdin: 'aabbcc dd\n' }), 'ABC D\n');
    assert.equal(await ok(['tr', '\\n', ' '], { stdin: 'a\nb\n' }), 'a b ');
    await badOption(['tr', 'a']);
    await badOption(['tr', '-x', 'a', 'b']);
    await badOption(['tr', 'z-a', 'b']);
  });

  test('tee: stdout and files, -a appends; an unopenable file is reported', async () => {
    assert.equal(await ok(['tee', '/tmp/tee1', '/tmp/tee2'], { stdin: 'one\n' }), 'one\n');
    assert.equal(await ok(['tee', '-a', '/tmp/tee1'], { stdin: 'two\n' }), 'two\n');
    const dec = new TextDecoder();
    assert.equal(dec.decode(await api.fs.readFile('/tmp/tee1')), 'one\ntwo\n');
    assert.equal(dec.decode(await api.fs.readFile('/tmp/tee2')), 'one\n');
    assert.equal(await ok(['tee', '/tmp/tee2'], { stdin: 'new\n' }), 'new\n');
    assert.equal(dec.decode(await api.fs.readFile('/tmp/tee2')), 'new\n');
    const r = await missing(['tee', '/tmp/nodir/x'], '/tmp/nodir/x', 1);
    assert.equal(r.stdout, '');
    const r2 = await run(['tee', '/tmp/nodir/x'], { stdin: 'still copied\n' });
    assert.equal(r2.stdout, 'still copied\n');
    assert.equal(r2.exitCode, 1);
    await badOption(['tee', '-x']);
  });
});

describe('file utilities', () => {
  test('mkdir -p, rmdir', async () => {
    await ok(['mkdir', '/tmp/mk']);
    await ok(['mkdir', '-p', '/tmp/mk/a/b/c', '/tmp/mk/x']);
    await ok(['mkdir', '-p', '/tmp/mk/a/b']); // already there: fine with -p
    assert.equal(await ok(['ls', '-1', '/tmp/mk', '/tmp/mk/a/b']), '/tmp/mk:\na\nx\n\n/tmp/mk/a/b:\nc\n');
    const again = await run(['mkdir', '/tmp/mk/x']);
    assert.equal(again.exitCode, 1);
    assert.match(again.stderr, /^mkdir: \/tmp\/mk\/x: File exists$/m);
    await missing(['mkdir', '/tmp/mk/no/such'], '/tmp/mk/no/such', 1);
    const full = await run(['rmdir', '/tmp/mk/a']);
    assert.equal(full.exitCode, 1);
    assert.match(full.stderr, /^rmdir: \/tmp\/mk\/a: Directory not empty$/m);
    // -p removes c, b, a, then fails at /tmp/mk, which is not empty.
    const p = await run(['rmdir', '-p', '/tmp/mk/a/b/c']);
    assert.equal(p.exitCode, 1);
    assert.match(p.stderr, /^rmdir: \/tmp\/mk: Directory not empty$/m);
    assert.deepEqual((await api.fs.readdir('/tmp/mk')).filter((n) => n !== '.' && n !== '..'), ['x']);
    await ok(['rmdir', '/tmp/mk/x', '/tmp/mk']);
    await missing(['rmdir', '/tmp/mk'], '/tmp/mk', 1);
    await badOption(['mkdir', '-z', '/tmp/q']);
    await badOption(['mkdir']);
    await badOption(['rmdir', '-z', '/tmp/q']);
  });

  test('cp -r and rm -r copy and remove trees', async () => {
    await api.fs.mkdir('/tmp/tree');
    await api.fs.mkdir('/tmp/tree/sub');
    await api.fs.mkdir('/tmp/tree/sub/deep');
    await api.fs.writeFile('/tmp/tree/top', 'top file\n');
    await api.fs.writeFile('/tmp/tree/sub/mid', 'middle\n');
    const blob = new Uint8Array(200000).map((_, i) => (i * 7) & 255);
    await api.fs.writeFile('/tmp/tree/sub/deep/blob', blob);
    await ok(['ln', '-s', '../top', '/tmp/tree/sub/link']);
    await ok(['cp', '-r', '/tmp/tree', '/tmp/copy']);
    assert.equal(
      await ok(['ls', '-1', '/tmp/copy', '/tmp/copy/sub', '/tmp/copy/sub/deep']),
      '/tmp/copy:\nsub\ntop\n\n/tmp/copy/sub:\ndeep\nlink\nmid\n\n/tmp/copy/sub/deep:\nblob\n',
    );
    assert.deepEqual(await api.fs.readFile('/tmp/copy/sub/deep/blob'), blob);
    assert.equal(new TextDecoder().decode(await api.fs.readFile('/tmp/copy/top')), 'top file\n');
    // The symlink is copied as a symlink.
    assert.equal(await ok(['stat', '-c', '%F %N', '/tmp/copy/sub/link']), 'symbolic link /tmp/copy/sub/link -> ../top\n');
    assert.equal(await ok(['cat', '/tmp/copy/sub/link']), 'top file\n');
    // Into an existing directory: under the source's name.
    await ok(['mkdir', '/tmp/into']);
    await ok(['cp', '-r', '/tmp/tree/sub', '/tmp/tree/top', '/tmp/into']);
    assert.equal(await ok(['ls', '-1', '/tmp/into']), 'sub\ntop\n');
    // A plain file copy; a directory without -r is refused; a directory into itself too.
    await ok(['cp', '/tmp/tree/top', '/tmp/top.copy']);
    assert.equal(await ok(['cat', '/tmp/top.copy']), 'top file\n');
    const nor = await run(['cp', '/tmp/tree', '/tmp/x']);
    assert.equal(nor.exitCode, 1);
    assert.match(nor.stderr, /^cp: -r not specified; omitting directory '\/tmp\/tree'$/m);
    const self = await run(['cp', '-r', '/tmp/tree', '/tmp/tree/sub']);
    assert.equal(self.exitCode, 1);
    assert.match(self.stderr, /cannot copy a directory, '\/tmp\/tree', into itself/);
    const same = await run(['cp', '/tmp/tree/top', '/tmp/tree/top']);
    assert.equal(same.exitCode, 1);
    assert.match(same.stderr, /are the same file/);
    await missing(['cp', '/tmp/nope', '/tmp/x'], '/tmp/nope', 1);
    await badOption(['cp', '-z', '/tmp/a', '/tmp/b']);
    await badOption(['cp', '/tmp/a']);

    // rm: a directory needs -r; -r removes the whole tree; -f ignores missing files.
    const dir = await run(['rm', '/tmp/copy']);
    assert.equal(dir.exitCode, 1);
    assert.match(dir.stderr, /^rm: \/tmp\/copy: Is a directory$/m);
    await ok(['rm', '-r', '/tmp/copy', '/tmp/into']);
    await ok(['rm', '/tmp/top.copy']);
    const gone = await run(['ls', '/tmp/copy']);
    assert.equal(gone.exitCode, 2);
    assert.match(gone.stderr, /^ls: \/tmp\/copy: No such file or directory$/m);
    await ok(['rm', '-rf', '/tmp/tree', '/tmp/nope']);
    assert.ok(!(await api.fs.readdir('/tmp')).includes('tree'));
    await missing(['rm', '/tmp/nope'], '/tmp/nope', 1);
    const dots = await run(['rm', '-r', '/tmp/..']);
    assert.equal(dots.exitCode, 1);
    assert.match(dots.stderr, /refusing to remove '\.' or '\.\.'/);
    await badOption(['rm', '-z', '/tmp/x']);
    await badOption(['rm']);
  });

  test('mv: rename, into a directory; missing source', async () => {
    await api.fs.writeFile('/tmp/mv1', 'moving\n');
    await ok(['mv', '/tmp/mv1', '/tmp/mv2']);
    assert.equal(await ok(['cat', '/tmp/mv2']), 'moving\n');
    await missing(['cat', '/tmp/mv1'], '/tmp/mv1', 1);
    await ok(['mkdir', '/tmp/mvdir']);
    await ok(['mv', '/tmp/mv2', '/tmp/mvdir']);
    assert.equal(await ok(['ls', '/tmp/mvdir']), 'mv2\n');
    await ok(['mv', '/tmp/mvdir', '/tmp/mvdir2']);
    assert.equal(await ok(['cat', '/tmp/mvdir2/mv2']), 'moving\n');
    await missing(['mv', '/tmp/nope', '/tmp/x'], '/tmp/nope', 1);
    await badOption(['mv', '-z', '/tmp/a', '/tmp/b']);
    await badOption(['mv', '/tmp/a']);
    await ok(['rm', '-r', '/tmp/mvdir2']);
  });

  test('ln: symbolic and hard links', async () => {
    await api.fs.writeFile('/tmp/target', 'target\n');
    await ok(['ln', '-s', 'target', '/tmp/sym']);
    await ok(['ln', '/tmp/target', '/tmp/hard']);
    assert.equal(await ok(['cat', '/tmp/sym', '/tmp/hard']), 'target\ntarget\n');
    assert.match(await ok(['ls', '-l', '/tmp/sym']), /^l\S{9} +1 +6 .* \/tmp\/sym -> target\n$/);
    assert.equal(await ok(['stat', '-c', '%h', '/tmp/target']), '2\n');
    const exists = await run(['ln', '-s', 'other', '/tmp/sym']);
    assert.equal(exists.exitCode, 1);
    assert.match(exists.stderr, /^ln: cannot create symbolic link '\/tmp\/sym' to 'other': File exists$/m);
    await ok(['ln', '-sf', 'other', '/tmp/sym']);
    assert.equal(await ok(['stat', '-c', '%N', '/tmp/sym']), '/tmp/sym -> other\n');
    const hard = await run(['ln', '/tmp/nope', '/tmp/x']);
    assert.equal(hard.exitCode, 1);
    assert.match(hard.stderr, /^ln: cannot create hard link '\/tmp\/x' to '\/tmp\/nope': No such file or directory$/m);
    await badOption(['ln', '-z', 'a', 'b']);
    await badOption(['ln']);
    await ok(['rm', '/tmp/sym', '/tmp/hard', '/tmp/target']);
  });

  test('touch creates files and sets times; stat shows them', async () => {
    const before = Math.floor(Date.now() / 1000);
    await ok(['touch', '/tmp/touched']);
    assert.equal(await ok(['stat', '-c', '%s %F', '/tmp/touched']), '0 regular file\n');
    await ok(['touch', '-d', '@1000000000', '/tmp/touched']);
    assert.equal(await ok(['stat', '-c', '%X %Y', '/tmp/touched']), '1000000000 1000000000\n');
    await ok(['touch', '-m', '-t', '202001020304.05', '/tmp/touched']);
    assert.equal(await ok(['stat', '-c', '%X %Y', '/tmp/touched']), '1000000000 1577934245\n');
    await ok(['touch', '/tmp/touched']); // now
    const [a, m] = (await ok(['stat', '-c', '%X %Y', '/tmp/touched'])).trim().split(' ').map(Number);
    assert.ok(a >= before && m >= before && m <= Date.now() / 1000 + 1, `${a} ${m} vs ${before}`);
    await ok(['touch', '-c', '/tmp/not-created']);
    assert.ok(!(await api.fs.readdir('/tmp')).includes('not-created'));
    assert.equal(await ok(['date', '-r', '/tmp/touched', '+%s']), `${m}\n`);
    await missing(['touch', '/tmp/nodir/x'], '/tmp/nodir/x', 1);
    await badOption(['touch', '-z', '/tmp/x']);
    await badOption(['touch', '-t', 'yesterday', '/tmp/x']);
    await ok(['rm', '/tmp/touched']);
  });

  test('stat: size, type, links, inode, times', async () => {
    await api.fs.writeFile('/tmp/st', '12345');
    const out = await ok(['stat', '/tmp/st']);
    assert.match(out, /^ {2}File: \/tmp\/st\n {2}Size: 5 +Type: regular file\nDevice: \d+ +Inode: \d+ +Links: 1\n/);
    assert.match(out, /Access: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{9} \+0000\nModify: .*\nChange: .*\n$/);
    const [ino1] = (await ok(['stat', '-c', '%i', '/tmp/st'])).split('\n');
    assert.match(ino1, /^\d+$/);
    assert.equal(await ok(['stat', '-c', '%n|%F', '/tmp', '/dev/null']), '/tmp|directory\n/dev/null|character special file\n');
    const r = await missing(['stat', '/tmp/st', '/tmp/nope'], '/tmp/nope', 1);
    assert.match(r.stdout, /File: \/tmp\/st/);
    await badOption(['stat', '-z', '/tmp']);
    await badOption(['stat']);
  });

  test('du sums st_size of a tree in KiB', async () => {
    await ok(['mkdir', '-p', '/tmp/du/sub']);
    await api.fs.writeFile('/tmp/du/a', new Uint8Array(3000));
    await api.fs.writeFile('/tmp/du/sub/b', new Uint8Array(5000));
    const size = async (p: string) => Number((await ok(['stat', '-c', '%s', p])).trim());
    const sub = (await size('/tmp/du/sub')) + 5000;
    const all = (await size('/tmp/du')) + 3000 + sub;
    const kib = (n: number) => Math.ceil(n / 1024);
    assert.equal(await ok(['du', '-s', '/tmp/du']), `${kib(all)}\t/tmp/du\n`);
    assert.equal(await ok(['du', '/tmp/du']), `${kib(sub)}\t/tmp/du/sub\n${kib(all)}\t/tmp/du\n`);
    assert.equal(await ok(['du', '-a', '/tmp/du/sub']), `5\t/tmp/du/sub/b\n${kib(sub)}\t/tmp/du/sub\n`);
    assert.equal(await ok(['du', '-h', '/tmp/du/a']), '3.0K\t/tmp/du/a\n'); // 2.93 KiB, rounded up
    assert.equal(await ok(['du', '/tmp/du/a']), '3\t/tmp/du/a\n');
    await missing(['du', '/tmp/nope'], '/tmp/nope', 1);
    await badOption(['du', '-z']);
    await ok(['rm', '-r', '/tmp/du']);
  });

  test('df lists the mounts from /proc/mounts, sizes "-"', async () => {
    const out = await ok(['df']);
    const rows = out.trimEnd().split('\n');
    assert.match(rows[0], /^Filesystem +Type +1K-blocks +Used +Available +Use% +Mounted on$/);
    const mounts = (await ok(['cat', '/proc/mounts'])).trimEnd().split('\n').map((l) => l.split(' '));
    assert.equal(rows.length, mounts.length + 1);
    for (const [i, [source, target, type]] of mounts.entries()) {
      assert.deepEqual(rows[i + 1].split(/ +/), [source, type, '-', '-', '-', '-', target]);
    }
    const dev = (await ok(['df', '/dev/null'])).trimEnd().split('\n');
    assert.equal(dev.length, 2);
    assert.match(dev[1], / \/dev$/);
    await missing(['df', '/tmp/nope'], '/tmp/nope', 1);
    await badOption(['df', '-z']);
  });

  test('ls: sorted names, -a, -1, -l with symlink targets, several operands', async () => {
    await ok(['mkdir', '-p', '/tmp/ls/dir']);
    for (const n of ['b', 'a', 'C', '.hidden']) await api.fs.writeFile('/tmp/ls/' + n, n);
    await ok(['ln', '-s', 'a', '/tmp/ls/link']);
    assert.equal(await ok(['ls', '-1', '/tmp/ls']), lines('C', 'a', 'b', 'dir', 'link'));
    const all = await ok(['ls', '-1a', '/tmp/ls']);
    assert.ok(all.includes('.hidden\n'), all);
    assert.equal(await ok(['ls', '-1A', '/tmp/ls']), lines('.hidden', 'C', 'a', 'b', 'dir', 'link'));
    const long = (await ok(['ls', '-l', '/tmp/ls'])).trimEnd().split('\n');
    assert.equal(long.length, 5);
    assert.match(long[1], /^-\S{9} +1 +1 \w{3} [ \d]\d (\d\d:\d\d| \d{4}) a$/);
    assert.match(long[3], /^d\S{9} +\d+ +\d+ .* dir$/);
    assert.match(long[4], /^l\S{9} +1 +1 .* link -> a$/);
    assert.equal(await ok(['ls', '-1', '/tmp/ls/b', '/tmp/ls/dir', '/tmp/ls/a']), '/tmp/ls/a\n/tmp/ls/b\n\n/tmp/ls/dir:\n');
    assert.equal(await ok(['ls', '-1d', '/tmp/ls/dir', '/tmp/ls/a']), '/tmp/ls/a\n/tmp/ls/dir\n');
    assert.equal(await ok(['ls', '-1F', '/tmp/ls']), lines('C', 'a', 'b', 'dir/', 'link@'));
    const r = await missing(['ls', '-1', '/tmp/ls/a', '/tmp/ls/nope'], '/tmp/ls/nope', 2);
    assert.equal(r.stdout, '/tmp/ls/a\n');
    await badOption(['ls', '-Z']);
    await ok(['rm', '-r', '/tmp/ls']);
  });

  test('hexdump: -C canonical, default words, -n/-s, repeated lines', async () => {
    const hw = 'hello world\n';
    assert.equal(
      await ok(['hexdump', '-C'], { stdin: hw }),
      '00000000  68 65 6c 6c 6f 20 77 6f  72 6c 64 0a              |hello world.|\n0000000c\n',
    );
    await api.fs.writeFile('/tmp/hex', hw.repeat(4) + 'xyz');
    assert.equal(await ok(['hexdump', '-C', '/tmp/hex']), [
      '00000000  68 65 6c 6c 6f 20 77 6f  72 6c 64 0a 68 65 6c 6c  |hello world.hell|',
      '00000010  6f 20 77 6f 72 6c 64 0a  68 65 6c 6c 6f 20 77 6f  |o world.hello wo|',
      '00000020  72 6c 64 0a 68 65 6c 6c  6f 20 77 6f 72 6c 64 0a  |rld.hello world.|',
      '00000030  78 79 7a                                          |xyz|',
      '00000033', ''].join('\n'));
    assert.equal(await ok(['hexdump'], { stdin: 'hello' }), '0000000 6568 6c6c 006f\n0000005\n');
    assert.equal(await ok(['hexdump', '-C', '-s', '1', '-n', '3', '/tmp/hex']),
      '00000001  65 6c 6c                                          |ell|\n00000004\n');
    const zeros = await ok(['hexdump', '-C'], { stdin: new Uint8Array(64) });
    assert.equal(zeros, '00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|\n*\n00000040\n');
    assert.equal((await ok(['hexdump', '-Cv'], { stdin: new Uint8Array(64) })).split('\n').length, 6);
    await missing(['hexdump', '-C', '/tmp/nope'], '/tmp/nope', 1);
    await badOption(['hexdump', '-x']);
  });
});

describe('system utilities', () => {
  test('env prints the environment; it cannot run commands', async () => {
    assert.equal(await ok(['env'], { env: { A: '1', B: 'two words' } }), 'A=1\nB=two words\n');
    assert.equal(await ok(['env', 'C=3'], { env: { A: '1' } }), 'A=1\nC=3\n');
    assert.equal(await ok(['env', '-i', 'X=y'], { env: { A: '1' } }), 'X=y\n');
    assert.equal(await ok(['env', '-u', 'A'], { env: { A: '1', B: '2' } }), 'B=2\n');
    const cmd = await run(['env', 'A=1', 'ls']);
    assert.equal(cmd.exitCode, 126);
    assert.match(cmd.stderr, /^env: cannot run 'ls': .*exec/m);
    assert.equal(cmd.stdout, '');
    const bad = await run(['env', '-x']);
    assert.equal(bad.exitCode, 2);
    assert.match(bad.stderr, /^usage: env .*exec/m);
  });

  test('sleep 0.2 takes at least 200 ms', async () => {
    const t0 = performance.now();
    await ok(['sleep', '0.2']);
    const took = performance.now() - t0;
    assert.ok(took >= 200, `took ${took} ms`);
    assert.ok(took < 5000, `took ${took} ms`);
    await badOption(['sleep', 'x']);
    await badOption(['sleep']);
    await badOption(['sleep', '-1']);
  });

  test('date: default format, +FORMAT, -u, -d @N', async () => {
    assert.match(await ok(['date']), /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \w{3} [ \d]\d \d\d:\d\d:\d\d UTC \d{4}\n$/);
    assert.equal(await ok(['date', '-u', '-d', '@0']), 'Thu Jan  1 00:00:00 UTC 1970\n');
    assert.equal(await ok(['date', '-d', '@1795736465', '+%Y-%m-%d %H:%M:%S %% %N']), '2026-11-26 23:41:05 % 000000000\n');
    const now = Number((await ok(['date', '+%s'])).trim());
    assert.ok(Math.abs(now - Date.now() / 1000) < 5, `${now}`);
    await badOption(['date', '-x']);
    const set = await run(['date', '0101']);
    assert.equal(set.exitCode, 1);
    assert.match(set.stderr, /cannot set the date/);
    const badd = await run(['date', '-d', 'tomorrow']);
    assert.equal(badd.exitCode, 1);
  });

  test('seq: LAST, FIRST LAST, FIRST INCR LAST, fractions, -w, -s', async () => {
    assert.equal(await ok(['seq', '3']), '1\n2\n3\n');
    assert.equal(await ok(['seq', '2', '4']), '2\n3\n4\n');
    assert.equal(await ok(['seq', '1', '3', '10']), '1\n4\n7\n10\n');
    assert.equal(await ok(['seq', '5', '-2', '1']), '5\n3\n1\n');
    assert.equal(await ok(['seq', '-1', '1']), '-1\n0\n1\n');
    assert.equal(await ok(['seq', '0', '0.25', '1']), '0.00\n0.25\n0.50\n0.75\n1.00\n');
    assert.equal(await ok(['seq', '0', '0.1', '0.3']), '0.0\n0.1\n0.2\n0.3\n');
    assert.equal(await ok(['seq', '-w', '8', '10']), '08\n09\n10\n');
    assert.equal(await ok(['seq', '-s', ',', '3']), '1,2,3\n');
    assert.equal(await ok(['seq', '5', '1']), '');
    await badOption(['seq', 'x']);
    await badOption(['seq']);
    await badOption(['seq', '-q', '1']);
    const zero = await run(['seq', '1', '0', '2']);
    assert.equal(zero.exitCode, 1);
  });

  test('yes repeats until stopped', async () => {
    const r = await run(['yes', 'a', 'b'], { timeoutSeconds: 0.15 });
    assert.ok(r.stdout.startsWith('a b\na b\na b\n'), r.stdout.slice(0, 20));
    assert.ok(r.stdout.length > 1000);
    assert.equal(r.stdout.length % 4, 0);
    // Killed by the timeout, or stopped by the kernel's output limit (EFBIG: a write error).
    assert.ok(r.reason !== undefined || (r.exitCode === 1 && /write error/.test(r.stderr)), `${r.exitCode} ${r.reason} ${r.stderr}`);
    await badOption(['yes', '-x']);
  });

  test('uname: -s default, -a, -m, -r', async () => {
    assert.equal(await ok(['uname']), 'wasmvisor\n');
    assert.equal(await ok(['uname', '-m']), 'wasm32\n');
    assert.equal(await ok(['uname', '-r']), '0.1.0\n');
    assert.equal(await ok(['uname', '-sm']), 'wasmvisor wasm32\n');
    assert.equal(await ok(['uname', '-a']), 'wasmvisor (none) 0.1.0 wasi_snapshot_preview1 wasm32\n');
    await badOption(['uname', '-x']);
    await badOption(['uname', 'extra']);
  });
});

// The package as an app gets it: `npm pack` of the built repo, unpacked into a scratch app's
// node_modules (its dependencies linked from the repo's, no network), then the README's Node
// example ("## As a library", between the example:node markers) run as written, and type-checked
// against the package's declarations. Needs `npm run build` (dist/ and lib-dist/) first.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, installPackedPackage, readmeExample, run } from './packed.js';

let scratch: string;
let tarball: string;

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'wasmvisor-package-'));
  tarball = await installPackedPackage(scratch, ['typescript', '@types/node']);
  writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  writeFileSync(join(scratch, 'example.mjs'), readmeExample('node'));
});
after(() => rmSync(scratch, { recursive: true, force: true }));

const EXPECTED = `0 "ada\\nalan\\ngrace\\n"
hello world
STREAMED THROUGH TR
tr exited with 0
[ 'names.txt' ] [ 'younglook/wasi-hello:latest' ]
`;

test('the tarball holds the Node entry, the browser entry, the declarations and the base image, not the UI or the tests', async () => {
  const { stdout } = await run('tar', ['-tzf', tarball]);
  const files = stdout.trim().split('\n').map((f) => f.replace(/^package\//, ''));
  for (const f of ['package.json', 'README.md', 'bin/wasmvisor.js', 'dist/lib/node.js', 'dist/worker/platform/wasm/process.worker.js',
    'lib-dist/browser/wasmvisor.js', 'lib-dist/browser/assets/kernel.worker.js', 'lib-dist/browser/assets/process.worker.js',
    'lib-dist/types/lib/index.d.ts', 'base/bin/cat.wasm', 'base/images/wasi-hello.tar']) {
    assert.ok(files.includes(f), `${f} is in the tarball`);
  }
  assert.deepEqual(files.filter((f) => /^(src|test|e2e|dist\/test|dist\/bench|web-dist)\//.test(f) || f.endsWith('.ts') && !f.endsWith('.d.ts')), []);
});

test("the README's Node example runs as written from the packed package", async () => {
  const { stdout, stderr } = await run(process.execPath, ['example.mjs'], { cwd: scratch, timeout: 30_000 });
  assert.equal(stdout, EXPECTED, `stderr: ${stderr}`);
  // The README shows what it prints.
  assert.ok(readFileSync(join(REPO, 'README.md'), 'utf8').includes('```\n' + EXPECTED + '```'), 'README.md shows the output the example prints');
});

test("the README's Node example type-checks against the package's declarations, and a misuse does not", async () => {
  // A misuse beside it shows the check is not vacuous: its one error must be reported, the example's none.
  writeFileSync(join(scratch, 'misuse.mjs'), "import { createMachine } from 'wasmvisor';\nconst m = await createMachine();\nawait m.run({ argv: 'ls' });\n");
  const tsc = join(scratch, 'node_modules', 'typescript', 'bin', 'tsc');
  const args = ['--noEmit', '--allowJs', '--checkJs', '--strict', '--skipLibCheck', '--module', 'nodenext', '--moduleResolution', 'nodenext',
    '--target', 'es2022', '--types', 'node', 'example.mjs', 'misuse.mjs'];
  const out = await run(process.execPath, [tsc, ...args], { cwd: scratch, timeout: 50_000 }).then(
    () => '',
    (e: { stdout?: string; message: string }) => e.stdout || e.message,
  );
  const errors = out.split('\n').filter((l) => /error TS/.test(l));
  assert.deepEqual(errors.filter((l) => !l.startsWith('misuse.mjs')), [], out);
  assert.equal(errors.length, 1, out);
  assert.match(errors[0]!, /^misuse\.mjs\(3,\d+\): error TS2322: Type 'string' is not assignable to type 'string\[\]'/);
});

test('createMachine refuses persist under Node and unknown options, naming them', async () => {
  const script = `import { createMachine } from 'wasmvisor';
for (const o of [{ persist: 'x' }, { dirs: [] }, { persist: '../x' }]) {
  try { await createMachine(o); console.log('booted'); } catch (e) { console.log(e.message); }
}`;
  writeFileSync(join(scratch, 'bad.mjs'), script);
  const { stdout } = await run(process.execPath, ['bad.mjs'], { cwd: scratch, timeout: 30_000 });
  const lines = stdout.trim().split('\n');
  assert.match(lines[0]!, /persist is for browsers/);
  assert.match(lines[1]!, /unknown option 'dirs'/);
  assert.match(lines[2]!, /persist "\.\.\/x" is not valid/);
});

// The package as an app installs it, for the library's tests (test/lib/package.test.ts under
// node:test, e2e/library.spec.ts under Playwright): `npm pack` of the built repo unpacked into a
// scratch app's node_modules, its dependencies linked from the repo's (no network), and the
// README's examples ("## As a library") read from between their markers. Only node: imports, so
// both runners load it as it is.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const run = promisify(execFile);

/** The repository root: the nearest directory above this file with wasmvisor's package.json. */
export const REPO = ((): string => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'wasmvisor') return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('packed.ts: cannot find the wasmvisor repository above this file');
    dir = up;
  }
})();

/** The code of the README block between `<!-- example:NAME -->` and `<!-- /example:NAME -->`. */
export function readmeExample(name: string): string {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const m = new RegExp(`<!-- example:${name} -->\\n\`\`\`\\w*\\n([\\s\\S]*?)\`\`\`\\n<!-- /example:${name} -->`).exec(readme);
  if (!m) throw new Error(`README.md has no example marked example:${name}`);
  return m[1]!;
}

/**
 * Packs the repo (as built) and unpacks it into SCRATCH/node_modules/wasmvisor, with the package's
 * dependencies and `extra` packages linked from the repo's node_modules. Returns the tarball's path.
 */
export async function installPackedPackage(scratch: string, extra: string[] = []): Promise<string> {
  for (const built of ['dist/lib/node.js', 'lib-dist/browser/wasmvisor.js', 'lib-dist/types/lib/index.d.ts']) {
    if (!existsSync(join(REPO, built))) throw new Error(`${built} is missing: run \`npm run build\` first`);
  }
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', scratch], { cwd: REPO });
  const tarball = join(scratch, (JSON.parse(stdout) as { filename: string }[])[0]!.filename);
  const pkgDir = join(scratch, 'node_modules', 'wasmvisor');
  mkdirSync(pkgDir, { recursive: true });
  await run('tar', ['-xzf', tarball, '-C', pkgDir, '--strip-components=1']);
  const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  for (const dep of [...Object.keys(manifest.dependencies ?? {}), ...extra]) {
    const to = join(scratch, 'node_modules', dep);
    if (existsSync(to)) continue;
    mkdirSync(dirname(to), { recursive: true });
    symlinkSync(join(REPO, 'node_modules', dep), to, 'dir');
  }
  return tarball;
}

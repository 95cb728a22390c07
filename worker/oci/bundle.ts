// The OCI runtime bundle: config.json (runtime-spec) as far as a WASI container uses it —
// process.args, env, cwd, terminal, root.path and readonly, and mounts of type tmpfs and bind.
// parseBundleConfig validates and normalizes it; every refusal names the field that is wrong.

export interface BundleMount {
  /** Absolute path inside the container. */
  destination: string;
  type: 'tmpfs' | 'bind';
  /** For bind: the machine path mounted there (absolute, or relative to the bundle). */
  source?: string;
  readonly: boolean;
}

export interface BundleConfig {
  ociVersion: string;
  args: string[];
  env: string[];
  cwd: string;
  terminal: boolean;
  /** The root file system's directory, relative to the bundle (default "rootfs"). */
  rootPath: string;
  rootReadonly: boolean;
  mounts: BundleMount[];
}

export class BundleError extends Error {}

function strings(v: unknown, what: string): string[] {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new BundleError(`config.json: ${what} must be an array of strings`);
  return v as string[];
}

/** Parses config.json's text. */
export function parseBundleConfig(text: string): BundleConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new BundleError(`config.json is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new BundleError('config.json must be a JSON object');
  const c = raw as Record<string, unknown>;
  if (typeof c.ociVersion !== 'string') throw new BundleError('config.json: ociVersion is missing');
  const proc = c.process as Record<string, unknown> | undefined;
  if (!proc || typeof proc !== 'object') throw new BundleError('config.json: process is missing');
  const args = strings(proc.args, 'process.args');
  if (args.length === 0) throw new BundleError('config.json: process.args is empty');
  const env = proc.env === undefined ? [] : strings(proc.env, 'process.env');
  for (const e of env) if (!e.includes('=')) throw new BundleError(`config.json: process.env entry "${e}" is not KEY=value`);
  const cwd = proc.cwd === undefined ? '/' : proc.cwd;
  if (typeof cwd !== 'string' || !cwd.startsWith('/')) throw new BundleError('config.json: process.cwd must be an absolute path');
  if (proc.terminal !== undefined && typeof proc.terminal !== 'boolean') throw new BundleError('config.json: process.terminal must be a boolean');
  const root = (c.root ?? {}) as Record<string, unknown>;
  const rootPath = root.path === undefined ? 'rootfs' : root.path;
  if (root.readonly === true) throw new BundleError('config.json: root.readonly is not supported yet: set it to false');
  if (typeof rootPath !== 'string' || rootPath === '') throw new BundleError('config.json: root.path must be a path');
  const mounts: BundleMount[] = [];
  if (c.mounts !== undefined) {
    if (!Array.isArray(c.mounts)) throw new BundleError('config.json: mounts must be an array');
    c.mounts.forEach((m: unknown, i: number) => {
      const what = `mounts[${i}]`;
      if (!m || typeof m !== 'object') throw new BundleError(`config.json: ${what} must be an object`);
      const mm = m as Record<string, unknown>;
      if (typeof mm.destination !== 'string' || !mm.destination.startsWith('/')) {
        throw new BundleError(`config.json: ${what}.destination must be an absolute path`);
      }
      const options = mm.options === undefined ? [] : strings(mm.options, `${what}.options`);
      const isBind = mm.type === 'bind' || options.includes('bind') || options.includes('rbind');
      const type = isBind ? 'bind' : mm.type;
      // The runtime provides /dev and /proc itself; a bundle naming them is fine.
      if (type === 'proc' || type === 'devtmpfs' || type === 'sysfs' || type === 'devpts' || type === 'mqueue') return;
      if (type !== 'tmpfs' && type !== 'bind') {
        throw new BundleError(`config.json: ${what} has type "${String(mm.type)}"; only tmpfs and bind mounts are supported`);
      }
      if (type === 'bind' && typeof mm.source !== 'string') throw new BundleError(`config.json: ${what} is a bind mount without a source`);
      if (type === 'bind' && options.includes('ro')) throw new BundleError(`config.json: ${what}: read-only bind mounts are not supported yet (drop "ro")`);
      mounts.push({ destination: mm.destination, type, source: typeof mm.source === 'string' ? mm.source : undefined, readonly: options.includes('ro') });
    });
  }
  return {
    ociVersion: c.ociVersion, args, env, cwd, terminal: proc.terminal === true, rootPath,
    rootReadonly: root.readonly === true, mounts,
  };
}

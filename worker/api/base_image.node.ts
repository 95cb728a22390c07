// The base image (the utilities in base/bin/) read from the repository under Node.
import { readdirSync, readFileSync, existsSync } from 'node:fs';

/** The built base image directory, found from this file (dist/worker/api/ or worker/api/). */
const DIR = new URL('../../../base/bin/', import.meta.url);

export async function loadBaseImage(): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  if (!existsSync(DIR)) return out;
  for (const f of readdirSync(DIR)) {
    if (f.endsWith('.wasm')) out.set(f.slice(0, -5), readFileSync(new URL(f, DIR)));
  }
  return out;
}

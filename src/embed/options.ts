// The page's URL options: whether it is an embed, whom it trusts, which machine it boots and what
// it runs on load. One parse, with every problem named (a bad option is reported, never guessed).
//   ?embed            embed mode: the console alone, fitted to the frame
//   origin=ORIGIN     (repeatable) origins whose postMessage requests are served (default: own)
//   persist=NAME      an embed's machine stored under NAME (default: in memory)
//   image=REF|URL     an image to run on load (a ref in the store, or a same-origin archive URL)
//   cmd=COMMAND       a shell command to run on load (with image: the image's arguments)
//   files=URL         a same-origin tar/tar.gz unpacked into the working directory first
//   readonly          no typing in the console
//   theme=light|dark
import type { MachineChoice } from '../../worker/api/types.js';

export interface PageOptions {
  /** Shown as an embed (the console alone): `?embed`, or embed.html. */
  embed: boolean;
  /** The page is inside a frame (then it never boots the playground's stored machine). */
  framed: boolean;
  /** Origins whose requests the embed protocol serves. */
  trusted: string[];
  machine: MachineChoice;
  image?: string;
  cmd?: string;
  files?: string;
  readonly: boolean;
  theme: 'dark' | 'light';
  /** What was wrong with the URL (each option that was ignored, and why). */
  problems: string[];
}

const PERSIST_NAME = /^[A-Za-z0-9._-]{1,64}$/;

/** An origin as the browser spells it ("https://a.example:8443"), or undefined if `s` is none. */
export function normalizeOrigin(s: string): string | undefined {
  try {
    const u = new URL(s);
    if (u.origin === 'null' || (u.pathname !== '/' && u.pathname !== '') || u.search || u.hash) return undefined;
    return u.origin;
  } catch {
    return undefined;
  }
}

/** Whether `url` (resolved against the page) is of the page's own origin. */
function sameOrigin(url: string, loc: Location): string | undefined {
  try {
    const u = new URL(url, loc.href);
    return u.origin === loc.origin ? u.href : undefined;
  } catch {
    return undefined;
  }
}

export function parsePageOptions(loc: Location = location, framed = window.parent !== window): PageOptions {
  const q = new URLSearchParams(loc.search);
  const problems: string[] = [];
  const embed = q.has('embed') || /\/embed(\.html)?$/.test(loc.pathname);
  const trusted = [loc.origin];
  for (const o of q.getAll('origin')) {
    const n = normalizeOrigin(o);
    if (n) {
      if (!trusted.includes(n)) trusted.push(n);
    } else problems.push(`origin=${o} is not an origin (write it as https://example.com or http://host:port)`);
  }
  let machine: MachineChoice = framed || embed ? 'memory' : 'stored';
  const persist = q.get('persist');
  if (persist !== null) {
    if (!framed && !embed) problems.push('persist= only applies to an embed; this page runs the playground\'s stored machine');
    else if (PERSIST_NAME.test(persist)) machine = { persist };
    else problems.push(`persist=${persist} is not a valid name (1 to 64 letters, digits, '.', '_' or '-'): this machine lives in memory`);
  }
  const theme = q.get('theme');
  if (theme !== null && theme !== 'light' && theme !== 'dark') problems.push(`theme=${theme}: use light or dark`);
  const opts: PageOptions = {
    embed, framed, trusted, machine,
    readonly: q.has('readonly') && q.get('readonly') !== 'false' && q.get('readonly') !== '0',
    theme: theme === 'light' ? 'light' : 'dark',
    problems,
  };
  const image = q.get('image');
  if (image) {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(image) || image.startsWith('/') || image.startsWith('.')) {
      const url = sameOrigin(image, loc);
      if (url) opts.image = url;
      else problems.push(`image=${image}: an archive URL must be of this site (${loc.origin})`);
    } else if (/^[\w][\w.:/@-]*$/.test(image)) opts.image = image;
    else problems.push(`image=${image} is not an image reference`);
  }
  const cmd = q.get('cmd');
  if (cmd) {
    if (/[\x00-\x08\x0a-\x1f\x7f]/.test(cmd)) problems.push('cmd= must be one line without control characters');
    else opts.cmd = cmd;
  }
  const files = q.get('files');
  if (files) {
    const url = sameOrigin(files, loc);
    if (url) opts.files = url;
    else problems.push(`files=${files}: the archive must be of this site (${loc.origin})`);
  }
  return opts;
}

/** Whether an image option is an archive URL (to load first) rather than a ref in the store. */
export function isArchiveUrl(image: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(image);
}

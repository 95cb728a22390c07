// Word expansion for the shell: parameters ($VAR, ${VAR}, $?, $$, $#, $0), tilde, field splitting
// of unquoted expansions, and pathname globbing (*, ?, [...]) of unquoted text against the
// sandbox's file system. Quote removal falls out of the word representation.
import type { Word } from './parser.js';

export interface ExpandContext {
  /** A variable's value (shell or environment), or undefined. */
  lookup(name: string): string | undefined;
  /** Names in a directory (absolute path), or null if it cannot be read. */
  list(dir: string): string[] | null;
  /** The shell's working directory. */
  cwd: string;
}

/** A field being built: its text and, per character, whether it may act as a glob character. */
interface Field {
  text: string;
  glob: boolean[];
}

const GLOB_CHARS = new Set(['*', '?', '[']);

/** Expands one word into zero or more fields. */
export function expandWord(word: Word, ctx: ExpandContext): string[] {
  const fields: Field[] = [];
  let cur: Field | null = null;
  const add = (text: string, globbable: boolean) => {
    cur ??= { text: '', glob: [] };
    cur.text += text;
    for (let i = 0; i < text.length; i++) cur.glob.push(globbable);
  };
  for (const part of word) {
    if (part.kind === 'tilde') {
      add(ctx.lookup('HOME') ?? '/', false);
    } else if (part.kind === 'lit') {
      add(part.text, !part.quoted);
    } else {
      const value = ctx.lookup(part.name) ?? '';
      if (part.quoted) {
        add(value, false);
      } else {
        // Field splitting on blanks, like the default IFS.
        const pieces = value.split(/[ \t\n]+/);
        pieces.forEach((piece, k) => {
          if (k > 0) {
            if (cur) fields.push(cur);
            cur = null;
          }
          if (piece !== '') add(piece, false);
        });
      }
    }
  }
  if (cur) fields.push(cur);
  // A word made only of quotes ("") is one empty field; an unquoted empty expansion is none.
  if (fields.length === 0 && word.some((p) => p.kind === 'lit' && p.quoted)) return [''];
  const out: string[] = [];
  for (const f of fields) {
    if (f.glob.some((g, i) => g && GLOB_CHARS.has(f.text[i]!))) {
      const matches = glob(f, ctx);
      if (matches.length > 0) {
        out.push(...matches);
        continue;
      }
    }
    out.push(f.text);
  }
  return out;
}

/** Turns one path component of a pattern into a RegExp. */
function componentRegex(text: string, glob: boolean[]): RegExp {
  let re = '^';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (glob[i] && c === '*') re += '[^/]*';
    else if (glob[i] && c === '?') re += '[^/]';
    else if (glob[i] && c === '[') {
      const close = text.indexOf(']', i + 2);
      if (close < 0) re += '\\[';
      else {
        let set = text.slice(i + 1, close);
        if (set.startsWith('!')) set = '^' + set.slice(1);
        re += '[' + set.replace(/\\/g, '\\\\') + ']';
        i = close;
      }
    } else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(re + '$');
}

function glob(f: Field, ctx: ExpandContext): string[] {
  const absolute = f.text.startsWith('/');
  // Split into components, keeping each component's glob flags.
  const comps: { text: string; glob: boolean[] }[] = [];
  let start = 0;
  for (let i = 0; i <= f.text.length; i++) {
    if (i === f.text.length || f.text[i] === '/') {
      if (i > start) comps.push({ text: f.text.slice(start, i), glob: f.glob.slice(start, i) });
      start = i + 1;
    }
  }
  let paths: string[] = [absolute ? '/' : ''];
  for (const comp of comps) {
    const hasGlob = comp.glob.some((g, i) => g && GLOB_CHARS.has(comp.text[i]!));
    const next: string[] = [];
    for (const base of paths) {
      const join = (name: string) => (base === '' ? name : base.endsWith('/') ? base + name : base + '/' + name);
      if (!hasGlob) {
        next.push(join(comp.text));
        continue;
      }
      const dir = base === '' ? ctx.cwd : base.startsWith('/') ? base : ctx.cwd.replace(/\/$/, '') + '/' + base;
      const names = ctx.list(dir);
      if (!names) continue;
      const re = componentRegex(comp.text, comp.glob);
      for (const name of names.sort()) {
        if (name.startsWith('.') && !comp.text.startsWith('.')) continue;
        if (re.test(name)) next.push(join(name));
      }
    }
    paths = next;
    if (paths.length === 0) break;
  }
  return paths;
}

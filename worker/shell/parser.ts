// The shell's grammar: a lexer and a recursive-descent parser for the POSIX sh subset the
// console offers: words with '…', "…" and \ quoting, $VAR, ${VAR}, $?, $$, ~; pipelines; the
// redirections <, >, >>, 2>, 2>>, N>&M; lists with ;, &, && and ||; `!`; comments. Produces an
// AST with unexpanded words. A syntax error is a ShellSyntaxError with one clear message.

/** A piece of a word before expansion. */
export type WordPart =
  | { kind: 'lit'; text: string; quoted: boolean }
  | { kind: 'var'; name: string; quoted: boolean }
  | { kind: 'tilde' };
export type Word = WordPart[];

export interface Redirect {
  fd: number;
  op: '<' | '>' | '>>' | '>&' | '<&';
  /** The file for <, >, >>; for >& / <&, a word that must expand to an fd number or "-". */
  target: Word;
}

export interface Assignment {
  name: string;
  value: Word;
}

export interface SimpleCommand {
  assigns: Assignment[];
  words: Word[];
  redirects: Redirect[];
}

export interface Pipeline {
  negate: boolean;
  commands: SimpleCommand[];
}

export interface AndOr {
  first: Pipeline;
  rest: { op: '&&' | '||'; pipeline: Pipeline }[];
}

export interface ListItem {
  andOr: AndOr;
  background: boolean;
  /** The source text of this item (for `jobs`). */
  text: string;
}

export class ShellSyntaxError extends Error {}

type Token =
  | { t: 'word'; word: Word; raw: string; start: number }
  | { t: 'op'; op: string; start: number }
  | { t: 'redir'; fd: number; op: Redirect['op']; start: number }
  | { t: 'eof'; start: number };

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*/;
const SPECIAL_VARS = new Set(['?', '$', '#', '!', '0']);

function lex(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < n && src[i] !== '\n') i++;
      continue;
    }
    const start = i;
    // Operators.
    const two = src.slice(i, i + 2);
    if (two === '&&' || two === '||' || two === ';;') {
      if (two === ';;') throw new ShellSyntaxError("syntax error near unexpected token `;;'");
      out.push({ t: 'op', op: two, start });
      i += 2;
      continue;
    }
    if (c === '|' || c === '&' || c === ';' || c === '(' || c === ')') {
      if (c === '(' || c === ')') throw new ShellSyntaxError(`syntax error: subshells \`${c}' are not supported`);
      out.push({ t: 'op', op: c, start });
      i++;
      continue;
    }
    // Redirections, with an optional leading fd number.
    const rm = /^(\d*)(>>|>&|<&|>|<)/.exec(src.slice(i));
    if (rm) {
      const fd = rm[1] ? Number(rm[1]) : rm[2]!.startsWith('<') ? 0 : 1;
      if (fd > 9) throw new ShellSyntaxError(`syntax error: bad file descriptor ${rm[1]}`);
      out.push({ t: 'redir', fd, op: rm[2] as Redirect['op'], start });
      i += rm[0].length;
      continue;
    }
    // A word.
    const word: Word = [];
    let lit = '';
    const flush = (quoted: boolean) => {
      if (lit) word.push({ kind: 'lit', text: lit, quoted });
      lit = '';
    };
    if (c === '~') {
      const next = src[i + 1];
      if (next === undefined || next === '/' || next === ' ' || next === '\t' || next === '\n' || next === ';' || next === '|' || next === '&') {
        word.push({ kind: 'tilde' });
        i++;
      }
    }
    const readVar = (quoted: boolean): void => {
      // At src[i] === '$'
      const rest = src.slice(i + 1);
      if (rest.startsWith('{')) {
        const close = rest.indexOf('}');
        if (close < 0) throw new ShellSyntaxError('syntax error: missing } in ${...}');
        const name = rest.slice(1, close);
        if (!NAME_RE.test(name) || NAME_RE.exec(name)![0] !== name) {
          if (!SPECIAL_VARS.has(name)) throw new ShellSyntaxError(`bad substitution: \${${name}}`);
        }
        flush(quoted);
        word.push({ kind: 'var', name, quoted });
        i += close + 2;
        return;
      }
      const m = NAME_RE.exec(rest);
      if (m) {
        flush(quoted);
        word.push({ kind: 'var', name: m[0], quoted });
        i += 1 + m[0].length;
        return;
      }
      if (rest[0] !== undefined && SPECIAL_VARS.has(rest[0])) {
        flush(quoted);
        word.push({ kind: 'var', name: rest[0], quoted });
        i += 2;
        return;
      }
      if (rest.startsWith('(')) throw new ShellSyntaxError('syntax error: command substitution $(...) is not supported');
      lit += '$';
      i++;
    };
    while (i < n) {
      const ch = src[i]!;
      if (' \t\n\r|&;<>()'.includes(ch)) break;
      if (ch === '\\') {
        if (i + 1 >= n) {
          i++;
          break;
        }
        flush(false);
        lit = src[i + 1]!;
        flush(true);
        i += 2;
        continue;
      }
      if (ch === "'") {
        const close = src.indexOf("'", i + 1);
        if (close < 0) throw new ShellSyntaxError("syntax error: unterminated quote '");
        flush(false);
        lit = src.slice(i + 1, close);
        word.push({ kind: 'lit', text: lit, quoted: true });
        lit = '';
        i = close + 1;
        continue;
      }
      if (ch === '"') {
        flush(false);
        i++;
        let closed = false;
        while (i < n) {
          const q = src[i]!;
          if (q === '"') {
            closed = true;
            i++;
            break;
          }
          if (q === '\\' && i + 1 < n && '$`"\\\n'.includes(src[i + 1]!)) {
            lit += src[i + 1];
            i += 2;
            continue;
          }
          if (q === '$') {
            readVar(true);
            continue;
          }
          if (q === '`') throw new ShellSyntaxError('syntax error: command substitution `...` is not supported');
          lit += q;
          i++;
        }
        if (!closed) throw new ShellSyntaxError('syntax error: unterminated quote "');
        // An empty "" still makes a (empty) word.
        word.push({ kind: 'lit', text: lit, quoted: true });
        lit = '';
        continue;
      }
      if (ch === '$') {
        readVar(false);
        continue;
      }
      if (ch === '`') throw new ShellSyntaxError('syntax error: command substitution `...` is not supported');
      lit += ch;
      i++;
    }
    flush(false);
    out.push({ t: 'word', word, raw: src.slice(start, i), start });
  }
  out.push({ t: 'eof', start: n });
  return out;
}

function describe(tok: Token, src: string): string {
  if (tok.t === 'eof') return 'newline';
  if (tok.t === 'op') return tok.op;
  if (tok.t === 'redir') return src.slice(tok.start).match(/^\d*(>>|>&|<&|>|<)/)![0];
  return tok.raw;
}

/** Parses a command line into a list. An empty line is an empty list. */
export function parse(src: string): ListItem[] {
  const toks = lex(src);
  let p = 0;
  const peek = () => toks[p]!;
  const unexpected = (tok: Token): never => {
    throw new ShellSyntaxError(`syntax error near unexpected token \`${describe(tok, src)}'`);
  };

  const command = (): SimpleCommand => {
    const cmd: SimpleCommand = { assigns: [], words: [], redirects: [] };
    for (;;) {
      const tok = peek();
      if (tok.t === 'redir') {
        p++;
        const target = peek();
        if (target.t !== 'word') unexpected(target);
        p++;
        cmd.redirects.push({ fd: tok.fd, op: tok.op, target: (target as { word: Word }).word });
        continue;
      }
      if (tok.t === 'word') {
        p++;
        const m = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(tok.raw);
        const first = tok.word[0];
        if (cmd.words.length === 0 && m && first?.kind === 'lit' && !first.quoted && first.text.startsWith(m[0])) {
          const value: Word = [...tok.word];
          const rest = first.text.slice(m[0].length);
          if (rest) value[0] = { kind: 'lit', text: rest, quoted: false };
          else value.shift();
          cmd.assigns.push({ name: m[1]!, value });
          continue;
        }
        cmd.words.push(tok.word);
        continue;
      }
      break;
    }
    if (cmd.words.length === 0 && cmd.assigns.length === 0 && cmd.redirects.length === 0) unexpected(peek());
    return cmd;
  };

  const pipeline = (): Pipeline => {
    let negate = false;
    const tok = peek();
    if (tok.t === 'word' && tok.raw === '!') {
      negate = true;
      p++;
    }
    const commands = [command()];
    while (peek().t === 'op' && (peek() as { op: string }).op === '|') {
      p++;
      commands.push(command());
    }
    return { negate, commands };
  };

  const andOr = (): AndOr => {
    const first = pipeline();
    const rest: AndOr['rest'] = [];
    for (;;) {
      const tok = peek();
      if (tok.t === 'op' && (tok.op === '&&' || tok.op === '||')) {
        p++;
        rest.push({ op: tok.op, pipeline: pipeline() });
        continue;
      }
      return { first, rest };
    }
  };

  const items: ListItem[] = [];
  while (peek().t !== 'eof') {
    const start = peek().start;
    const ao = andOr();
    const tok = peek();
    let background = false;
    let end = tok.start;
    if (tok.t === 'op' && (tok.op === ';' || tok.op === '&')) {
      background = tok.op === '&';
      p++;
    } else if (tok.t !== 'eof') {
      unexpected(tok);
    }
    items.push({ andOr: ao, background, text: src.slice(start, end).trim() });
  }
  return items;
}

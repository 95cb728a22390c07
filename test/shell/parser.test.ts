// The shell parser and word expansion on their own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse, ShellSyntaxError } from '../../worker/shell/parser.js';
import { expandWord } from '../../worker/shell/expand.js';

const vars: Record<string, string> = { HOME: '/root', A: 'x y', EMPTY: '', '?': '3' };
const ctx = {
  lookup: (n: string) => vars[n],
  list: (dir: string) => (dir === '/d' ? ['a.txt', 'b.txt', 'c.md', '.hidden.txt'] : null),
  cwd: '/',
};
const words = (src: string) => parse(src)[0]!.andOr.first.commands[0]!.words.flatMap((w) => expandWord(w, ctx));

test('quoting, escapes and parameters', () => {
  assert.deepEqual(words(`echo 'a  b' "c $HOME" d\\ e $A "$A" $EMPTY "" \${HOME}/x $? '$HOME'`),
    ['echo', 'a  b', 'c /root', 'd e', 'x', 'y', 'x y', '', '/root/x', '3', '$HOME']);
  assert.deepEqual(words('echo ~ ~/a a~'), ['echo', '/root', '/root/a', 'a~']);
});

test('globs expand against the directory, quoted globs do not', () => {
  assert.deepEqual(words('ls /d/*.txt "/d/*.txt" /d/?.md /d/*.none'), ['ls', '/d/a.txt', '/d/b.txt', '/d/*.txt', '/d/c.md', '/d/*.none']);
});

test('pipelines, lists, redirections and background', () => {
  const items = parse('a | b | c && d || e ; f > out 2>&1 < in & g >> log 2> err');
  assert.equal(items.length, 3);
  assert.equal(items[0]!.andOr.first.commands.length, 3);
  assert.deepEqual(items[0]!.andOr.rest.map((r) => r.op), ['&&', '||']);
  assert.equal(items[1]!.background, true);
  assert.deepEqual(items[1]!.andOr.first.commands[0]!.redirects.map((r) => [r.fd, r.op]), [[1, '>'], [2, '>&'], [0, '<']]);
  assert.deepEqual(items[2]!.andOr.first.commands[0]!.redirects.map((r) => [r.fd, r.op]), [[1, '>>'], [2, '>']]);
  assert.equal(items[1]!.text, 'f > out 2>&1 < in');
});

test('assignments before a command; ! negation; comments', () => {
  const c = parse('A=1 B="2 3" cmd arg # comment')[0]!.andOr.first.commands[0]!;
  assert.deepEqual(c.assigns.map((a) => a.name), ['A', 'B']);
  assert.equal(c.words.length, 2);
  assert.equal(parse('! false')[0]!.andOr.first.negate, true);
  assert.deepEqual(parse('   # only a comment'), []);
});

test('syntax errors are one clear message', () => {
  for (const [src, msg] of [
    ['| a', /unexpected token `\|'/],
    ['a |', /unexpected token `newline'/],
    ['a && && b', /unexpected token `&&'/],
    ['echo "open', /unterminated quote "/],
    ["echo 'open", /unterminated quote '/],
    ['a > ', /unexpected token `newline'/],
    ['echo ${A', /missing }/],
    ['echo $(ls)', /not supported/],
  ] as const) {
    assert.throws(() => parse(src), (e: unknown) => e instanceof ShellSyntaxError && msg.test(e.message), src);
  }
});

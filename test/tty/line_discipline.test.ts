// The line discipline on its own: canonical editing, echo, signals, EOF, raw mode, output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineDiscipline } from '../../worker/tty/line_discipline.js';

function make() {
  const echoed: string[] = [];
  const signals: number[] = [];
  let readable = 0;
  const ld = new LineDiscipline({
    echo: (b) => echoed.push(new TextDecoder().decode(b)),
    signal: (s) => signals.push(s),
    readable: () => readable++,
  });
  const type = (s: string) => ld.input(new TextEncoder().encode(s));
  const read = (n = 100) => {
    const r = ld.read(n);
    return r === null ? null : new TextDecoder().decode(r);
  };
  return { ld, type, read, echoed, signals, get readable() { return readable; } };
}

test('canonical mode delivers whole lines, with CR mapped to NL and echoed as CRLF', () => {
  const t = make();
  t.type('hel');
  assert.equal(t.read(), null);
  t.type('lo\r');
  assert.equal(t.read(), 'hello\n');
  assert.equal(t.echoed.join(''), 'hello\r\n');
  assert.equal(t.readable, 1);
});

test('erase, kill and word erase edit the line (UTF-8 aware)', () => {
  const t = make();
  t.type('abc\x7f\x7fX\n');
  assert.equal(t.read(), 'aX\n');
  t.type('héé\x7f\n');
  assert.equal(t.read(), 'hé\n');
  t.type('one two three\x17\x17four\n');
  assert.equal(t.read(), 'one four\n');
  t.type('gone\x15kept\n');
  assert.equal(t.read(), 'kept\n');
  assert.ok(t.echoed.join('').includes('\b \b'));
});

test('Ctrl-C and Ctrl-\\ signal the foreground group and drop the line', () => {
  const t = make();
  t.type('partial\x03');
  assert.deepEqual(t.signals, [2]);
  t.type('x\x1c');
  assert.deepEqual(t.signals, [2, 3]);
  assert.equal(t.read(), null);
  assert.match(t.echoed.join(''), /\^C\r\n/);
});

test('Ctrl-D: end of file on an empty line, pushes a partial line otherwise', () => {
  const t = make();
  t.type('abc\x04');
  assert.equal(t.read(), 'abc');
  t.type('\x04');
  assert.equal(t.read(), '');
  assert.equal(t.read(), null);
});

test('reads take at most what was asked, the rest stays', () => {
  const t = make();
  t.type('abcdef\n');
  assert.equal(t.read(4), 'abcd');
  assert.equal(t.read(10), 'ef\n');
});

test('raw mode passes bytes at once; no echo when echo is off', () => {
  const t = make();
  t.ld.termios = { ...t.ld.termios, icanon: false, echo: false, isig: false };
  t.type('a\x03\x1b[A');
  assert.equal(t.read(), 'a');
  assert.equal(t.read(), '\x03');
  assert.deepEqual(t.signals, []);
  assert.deepEqual(t.echoed, []);
});

test('output: NL becomes CR NL', () => {
  const t = make();
  const out = t.ld.processOutput(new TextEncoder().encode('a\nb\n'));
  assert.equal(new TextDecoder().decode(out), 'a\r\nb\r\n');
});

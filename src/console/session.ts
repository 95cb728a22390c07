// ConsoleSession: joins an xterm.js terminal to the kernel's console (the master side of its pty).
//   keystrokes and pastes   term.onData          → console.input
//   program output          onOutput(batch)      → term.write(batch, () => console.ack(batch.length))
//   window size             term.onResize        → console.resize(cols, rows)
// Flow control follows the renderer: a batch is acknowledged only once xterm.js has parsed it, and
// the kernel holds writers while about 1 MiB is unacknowledged, so the page never holds more than
// that in flight however fast a program writes (nothing is buffered here).
import type { IDisposable, Terminal } from '@xterm/xterm';
import type { ConsoleClient } from '../client.js';

export class ConsoleSession implements IDisposable {
  private readonly subscriptions: IDisposable[] = [];
  private attached: Promise<void> | null = null;
  /** Bytes received from the kernel so far (for the curious and for tests). */
  bytesReceived = 0;
  /** Batches received from the kernel so far. */
  batchesReceived = 0;

  constructor(
    private readonly term: Terminal,
    private readonly console: ConsoleClient,
  ) {}

  /**
   * Starts the shell on the terminal and wires input, output and resizes. Resolves once the kernel
   * has attached the terminal; rejects with the kernel's error (e.g. a failed boot). Input and
   * resizes are wired at once; the shell starts once `before` (if given) has settled, so whatever
   * the page writes to the terminal meanwhile comes ahead of the shell's first prompt.
   */
  attach(before?: Promise<unknown>): Promise<void> {
    if (this.attached) return this.attached;
    const { term, console } = this;
    this.subscriptions.push(
      term.onData((data) => this.send(data)),
      // Some mouse reports are raw bytes, not UTF-8 text.
      term.onBinary((data) => this.send(Uint8Array.from(data, (c) => c.charCodeAt(0) & 0xff))),
      term.onResize(({ cols, rows }) => {
        console.resize(cols, rows).catch(report('resize'));
      }),
    );
    const start = (): Promise<void> => console.attach(term.cols, term.rows, (batch) => this.output(batch));
    this.attached = before ? before.then(start, start) : start();
    return this.attached;
  }

  /** Renders one batch of output and acknowledges it when xterm.js has processed it. */
  private output(batch: Uint8Array): void {
    const length = batch.length;
    this.bytesReceived += length;
    this.batchesReceived++;
    this.term.write(batch, () => {
      this.console.ack(length).catch(report('ack'));
    });
  }

  private send(data: string | Uint8Array): void {
    this.console.input(data).catch(report('input'));
  }

  dispose(): void {
    for (const s of this.subscriptions.splice(0)) s.dispose();
  }
}

function report(what: string): (err: unknown) => void {
  return (err) => globalThis.console.warn(`wasmvisor console: ${what} failed`, err);
}

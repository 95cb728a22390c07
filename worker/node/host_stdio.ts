// The `wasmvisor run` command's standard streams as FileDescriptions: the program reads the
// command's stdin and writes its stdout/stderr directly to the host fds (no buffering anywhere,
// so output ordering and interleaving match a native program). Node only.
import * as fs from 'node:fs';
import { isatty } from 'node:tty';
import { Errno, fail } from '../errors/errno.js';
import { FileType, StatusFlags } from '../vfs/file_type.js';
import { WaitQueue } from '../waiter/wait_queue.js';
import { FileDescription, type Readiness } from '../vfs/file_description.js';
import { nowNs, type Stat } from '../vfs/inode.js';

function hostFiletype(fd: number): { type: FileType; isFile: boolean } {
  try {
    const st = fs.fstatSync(fd);
    // Only a terminal is a character device to the program: wasi-libc's isatty() looks at that.
    if (st.isCharacterDevice() && isatty(fd)) return { type: FileType.CHARACTER_DEVICE, isFile: false };
    return { type: FileType.UNKNOWN, isFile: st.isFile() }; // file, pipe, socket, /dev/null
  } catch {
    return { type: FileType.UNKNOWN, isFile: false };
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
/** Buffers one writev takes (Linux's IOV_MAX). */
const IOV_MAX = 1024;

abstract class HostStream extends FileDescription {
  override get isTerminal(): boolean {
    return this.filetype === FileType.CHARACTER_DEVICE;
  }

  readonly filetype: FileType;
  protected readonly isFile: boolean;
  private readonly t = nowNs();
  constructor(readonly hostFd: number) {
    super(null);
    const ft = hostFiletype(hostFd);
    this.filetype = ft.type;
    this.isFile = ft.isFile;
  }
  override stat(): Stat {
    return { dev: 0n, ino: BigInt(this.hostFd), filetype: this.filetype, nlink: 1n, size: 0n, atim: this.t, mtim: this.t, ctim: this.t };
  }
}

/**
 * The command's stdout or stderr. Writes go straight to the host fd, a gather write as one
 * writev. The program's process may write to the host fd itself (directWriteFd: no round trip
 * to the kernel; kernel/direct_fds.ts), in program order with the writes made here.
 */
export class HostOutput extends HostStream {
  override get directWriteFd(): number | null {
    return this.hostFd;
  }

  override write(iovs: Uint8Array[]): number {
    let total = 0;
    for (const iov of iovs) total += iov.length;
    let done = 0;
    let at = 0; // first iov not fully written
    let skip = 0; // bytes of iovs[at] already written
    while (done < total) {
      let n: number;
      try {
        // Node's fs.writeSync/writevSync accept SharedArrayBuffer-backed views.
        if (at === iovs.length - 1 || iovs.length === 1) {
          const iov = iovs[at]!;
          n = fs.writeSync(this.hostFd, iov, skip, iov.length - skip);
        } else {
          const rest = iovs.slice(at, at + IOV_MAX);
          if (skip) rest[0] = rest[0]!.subarray(skip);
          n = fs.writevSync(this.hostFd, rest);
        }
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') {
          Atomics.wait(sleeper, 0, 0, 1); // a non-blocking pipe is full: wait for the reader
          continue;
        }
        if (code === 'EPIPE') fail(Errno.PIPE);
        fail(Errno.IO, String(e));
      }
      done += n;
      // Step over what was written.
      n += skip;
      while (at < iovs.length && n >= iovs[at]!.length) {
        n -= iovs[at]!.length;
        at++;
      }
      skip = n;
    }
    return total;
  }
  override read(): number {
    fail(Errno.BADF);
  }
}

/** The command's stdin. A file is read synchronously; a pipe or terminal asynchronously. */
export class HostInput extends HostStream {
  private chunks: Uint8Array[] = [];
  private ended = false;
  private started = false;
  private readonly arrived = new WaitQueue();

  private start(): void {
    if (this.started) return;
    this.started = true;
    const stream = fs.createReadStream('', { fd: this.hostFd, autoClose: false, highWaterMark: 65536 });
    stream.on('data', (c) => {
      this.chunks.push(c as Buffer);
      this.arrived.notify();
      this.readinessChanged.notify();
      if (this.chunks.length > 16) stream.pause();
    });
    stream.on('end', () => {
      this.ended = true;
      this.arrived.notify();
      this.readinessChanged.notify();
    });
    stream.on('error', () => {
      this.ended = true;
      this.arrived.notify();
    });
    this.resume = () => stream.resume();
  }
  private resume: () => void = () => {};

  private take(iovs: Uint8Array[]): number {
    let total = 0;
    for (const iov of iovs) {
      let off = 0;
      while (off < iov.length && this.chunks.length > 0) {
        const c = this.chunks[0]!;
        const n = Math.min(c.length, iov.length - off);
        iov.set(c.subarray(0, n), off);
        off += n;
        if (n === c.length) this.chunks.shift();
        else this.chunks[0] = c.subarray(n);
      }
      total += off;
      if (this.chunks.length === 0) break;
    }
    if (this.chunks.length <= 16) this.resume();
    return total;
  }

  override read(iovs: Uint8Array[]): number | Promise<number> {
    if (this.isFile) {
      let total = 0;
      for (const iov of iovs) {
        const n = fs.readSync(this.hostFd, iov, 0, iov.length, null);
        total += n;
        if (n < iov.length) break;
      }
      return total;
    }
    this.start();
    if (this.chunks.length > 0) return this.take(iovs);
    if (this.ended) return 0;
    if (this.statusFlags & StatusFlags.NONBLOCK) fail(Errno.AGAIN);
    return (async () => {
      while (this.chunks.length === 0 && !this.ended) await this.arrived.wait();
      return this.take(iovs);
    })();
  }
  override write(): number {
    fail(Errno.BADF);
  }
  override readReadiness(): Readiness {
    if (this.isFile) return { ready: true, nbytes: 0n, hangup: false };
    this.start();
    const n = this.chunks.reduce((s, c) => s + c.length, 0);
    return { ready: n > 0 || this.ended, nbytes: BigInt(n), hangup: this.ended };
  }
  override release(): void {
    this.resume = () => {};
  }
}

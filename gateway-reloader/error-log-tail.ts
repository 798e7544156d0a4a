// What nginx wrote to its [emerg] log since a mark. The gateway's nginx logs [emerg] lines to a file in
// its runtime directory besides stderr; when it refuses a configuration on reload, the reason is there.
import { open, stat } from 'node:fs/promises';

/** At most this much of the newest text is kept: nginx names the first problem, and stops there. */
const MAX_BYTES = 4096;

export class ErrorLogTail {
  readonly path: string;
  private offset = 0;

  constructor(path: string) {
    this.path = path;
  }

  private async size(): Promise<number> {
    return stat(this.path).then(
      (s) => s.size,
      () => 0,
    );
  }

  /** Remembers the end of the file: `sinceMark` returns only what is written after this. */
  async mark(): Promise<void> {
    this.offset = await this.size();
  }

  /** The lines written since the mark (empty when none); a file that shrank is read from its start. */
  async sinceMark(): Promise<string> {
    const size = await this.size();
    if (size < this.offset) this.offset = 0;
    if (size === this.offset) return '';
    const start = Math.max(this.offset, size - MAX_BYTES);
    const handle = await open(this.path, 'r');
    try {
      const buffer = Buffer.alloc(size - start);
      await handle.read(buffer, 0, buffer.length, start);
      return buffer.toString('utf8').trim();
    } finally {
      await handle.close();
    }
  }
}

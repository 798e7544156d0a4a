// Files read for every request (token, client certificate and key, CA) are read again only when they
// changed: a stat per request, compared by inode, size and change time, costs microseconds, and a file
// replaced the way kubelet rotates mounted secrets (a new file behind a swapped symlink) is seen at once.
import { readFileSync, statSync } from 'node:fs';

interface Cached {
  signature: string;
  content: Buffer;
}

export class FileContent {
  private readonly cache = new Map<string, Cached>();

  /** The file's bytes; throws the fs error (ENOENT, EACCES) with the path in it. */
  read(path: string): Buffer {
    const stat = statSync(path);
    const signature = `${stat.ino}:${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}`;
    const cached = this.cache.get(path);
    if (cached?.signature === signature) return cached.content;
    const content = readFileSync(path);
    this.cache.set(path, { signature, content });
    return content;
  }
}

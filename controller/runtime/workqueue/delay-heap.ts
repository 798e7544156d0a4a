// Keys waiting until a moment in time (requeueAfter, retry backoff). A key waits once, at the earliest
// time asked for; a binary heap keeps the next due key at the top.

interface Entry {
  key: string;
  readyAt: number;
}

export class DelayHeap {
  private readonly heap: Entry[] = [];
  private readonly readyAtByKey = new Map<string, number>();

  get size(): number {
    return this.readyAtByKey.size;
  }

  /** Schedules `key`; a key already waiting keeps whichever time is earlier. */
  schedule(key: string, readyAt: number): void {
    const current = this.readyAtByKey.get(key);
    if (current !== undefined && current <= readyAt) return;
    this.readyAtByKey.set(key, readyAt);
    this.push({ key, readyAt });
  }

  /** When the next key is due, if any key waits. */
  nextReadyAt(): number | undefined {
    this.dropStale();
    return this.heap[0]?.readyAt;
  }

  /** Removes and returns every key due at or before `now`, earliest first. */
  takeDue(now: number): string[] {
    const due: string[] = [];
    for (;;) {
      this.dropStale();
      const top = this.heap[0];
      if (!top || top.readyAt > now) return due;
      this.pop();
      this.readyAtByKey.delete(top.key);
      due.push(top.key);
    }
  }

  clear(): void {
    this.heap.length = 0;
    this.readyAtByKey.clear();
  }

  // An entry superseded by an earlier schedule stays in the heap until it surfaces; skip it then.
  private dropStale(): void {
    for (;;) {
      const top = this.heap[0];
      if (!top || this.readyAtByKey.get(top.key) === top.readyAt) return;
      this.pop();
    }
  }

  private push(entry: Entry): void {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.readyAt <= entry.readyAt) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = entry;
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop();
    if (!last || heap.length === 0) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && heap[right]!.readyAt < heap[left]!.readyAt ? right : left;
      if (heap[child]!.readyAt >= last.readyAt) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
  }
}

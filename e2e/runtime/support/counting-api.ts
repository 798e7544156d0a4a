// Wraps a KubeAPI and counts requests by verb, so a test can assert how many writes a controller sent.
import type { KubeAPI } from '../../../shared/kube/kube-api.ts';

export type Verb = keyof KubeAPI;

const WRITES: readonly Verb[] = ['create', 'replace', 'patch', 'apply', 'delete'];

export class CountingAPI {
  readonly api: KubeAPI;
  private readonly counts = new Map<Verb, number>();

  constructor(inner: KubeAPI) {
    const counts = this.counts;
    this.api = new Proxy(inner, {
      get(target, property, receiver) {
        const value: unknown = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          counts.set(property as Verb, (counts.get(property as Verb) ?? 0) + 1);
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  }

  count(verb: Verb): number {
    return this.counts.get(verb) ?? 0;
  }

  get writes(): number {
    return WRITES.reduce((sum, verb) => sum + this.count(verb), 0);
  }
}

import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { DelayHeap } from './delay-heap.ts';

describe('DelayHeap', () => {
  it('returns each key once, at its earliest time, in time order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), fc.nat(1000))),
        fc.nat(1000),
        (schedules, now) => {
          const heap = new DelayHeap();
          const earliest = new Map<string, number>();
          for (const [key, at] of schedules) {
            heap.schedule(key, at);
            earliest.set(key, Math.min(at, earliest.get(key) ?? Infinity));
          }
          const due = heap.takeDue(now);
          const expectedDue = [...earliest].filter(([, at]) => at <= now);
          expect(due.sort()).toEqual(expectedDue.map(([key]) => key).sort());
          const times = heap.takeDue(Infinity).map((key) => earliest.get(key) ?? -1);
          expect(times).toEqual([...times].sort((x, y) => x - y));
          expect(heap.size).toBe(0);
        },
      ),
    );
  });
});

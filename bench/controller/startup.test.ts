import { describe, expect, it } from '@jest/globals';
import { formatStartupReport, medianTimes } from './startup.ts';
import type { StartupTimes } from './startup.ts';

function times(servingMs: number, readyMs: number, firstReconcileMs: number): StartupTimes {
  return { helpMs: servingMs / 2, servingMs, readyMs, firstReconcileMs };
}

describe('controller start-up report', () => {
  it('takes the median of each time over rounds', () => {
    expect(medianTimes([times(900, 1000, 1200), times(700, 3000, 3100), times(800, 2000, 2500)])).toEqual(
      times(800, 2000, 2500),
    );
  });

  it('prints each time of both controllers with their ratio', () => {
    const ts = times(3000, 3500, 4000);
    const go = times(500, 700, 1000);
    const text = formatStartupReport({
      models: 20,
      loadAverage: { start: 1, end: 2 },
      typescript: ts,
      controllerRuntime: go,
      rounds: [
        { typescript: ts, controllerRuntime: go },
        { typescript: ts, controllerRuntime: go },
      ],
    });
    expect(text).toMatch(/^loaded \(--help exits\) +1500 ms +250 ms +6\.00$/m);
    expect(text).toMatch(/^health port answers +3000 ms +500 ms +6\.00$/m);
    expect(text).toMatch(/^caches synced \(\/readyz 200\) +3500 ms +700 ms +5\.00$/m);
    expect(text).toMatch(/^first reconcile finished +4000 ms +1000 ms +4\.00$/m);
    expect(text).toMatch(/this project 4000, 4000; controller-runtime 1000, 1000/);
  });
});

import { describe, expect, it } from '@jest/globals';
import { combined, formatBaselineReport } from './compare-baseline.ts';
import type { ControllerFigures } from './compare-baseline.ts';

function figures(seconds: number, idle: number, cached?: number): ControllerFigures {
  return {
    seconds,
    cpuSeconds: seconds / 10,
    writes: { children: 30, status: 20 },
    writesPerModel: 5,
    conflicts: 1,
    memoryMiB: { idle, converged: idle + 10, restarted: idle + 10, ...(cached ? { cached } : {}) },
    takeoverWrites: 0,
  };
}

describe('controller-runtime baseline report', () => {
  it('takes the medians of measures and the sums of counts over rounds', () => {
    const c = combined([figures(50, 100, 150), figures(90, 120, 170), figures(60, 110, 160)]);
    expect(c).toMatchObject({ seconds: 60, cpuSeconds: 6, writesPerModel: 5, conflicts: 3 });
    expect(c.writes).toEqual({ children: 90, status: 60 });
    expect(c.memoryMiB).toEqual({ idle: 110, converged: 120, restarted: 120, cached: 160 });
  });

  it('prints each figure of both controllers with their ratio', () => {
    const ts = figures(60, 120, 230);
    const go = figures(50, 30, 60);
    const text = formatBaselineReport({
      count: 10,
      workers: 4,
      cachedObjects: 1024,
      loadAverage: { start: 1, end: 2 },
      typescript: ts,
      controllerRuntime: go,
      rounds: [{ typescript: ts, controllerRuntime: go }],
    });
    expect(text).toMatch(/^all Ready +60\.0 s +50\.0 s +1\.20$/m);
    expect(text).toMatch(/^RSS idle, caches synced +120 MiB +30 MiB +4\.00$/m);
    // (230 - 130) MiB over 1024 ConfigMaps, against (60 - 40) MiB.
    expect(text).toMatch(/^per cached ConfigMap +100\.00 KiB +20\.00 KiB +5\.00$/m);
  });
});

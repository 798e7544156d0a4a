import { describe, expect, it } from '@jest/globals';
import { setCondition, toKubeTime } from './conditions.ts';

const t0 = Date.UTC(2026, 0, 1, 0, 0, 0, 789);

describe('setCondition', () => {
  it('stamps a new condition with a whole-second transition time', () => {
    const conditions = setCondition(
      undefined,
      { type: 'Ready', status: 'False', reason: 'Pending', message: 'waiting' },
      t0,
    );
    expect(conditions).toEqual([
      {
        type: 'Ready',
        status: 'False',
        reason: 'Pending',
        message: 'waiting',
        lastTransitionTime: '2026-01-01T00:00:00Z',
      },
    ]);
  });

  it('keeps the transition time while the status stays, and moves it when the status flips', () => {
    const first = setCondition(
      undefined,
      { type: 'Ready', status: 'False', reason: 'Pending', message: 'a' },
      t0,
    );
    const same = setCondition(
      first,
      { type: 'Ready', status: 'False', reason: 'StillPending', message: 'b' },
      t0 + 60_000,
    );
    expect(same[0]?.lastTransitionTime).toBe('2026-01-01T00:00:00Z');
    expect(same[0]?.reason).toBe('StillPending');
    const flipped = setCondition(
      same,
      { type: 'Ready', status: 'True', reason: 'Available', message: 'ok' },
      t0 + 120_000,
    );
    expect(flipped[0]?.lastTransitionTime).toBe(toKubeTime(t0 + 120_000));
  });

  it('leaves other conditions and their order alone', () => {
    let conditions = setCondition(undefined, { type: 'Ready', status: 'True', reason: 'A', message: '' }, t0);
    conditions = setCondition(
      conditions,
      { type: 'Degraded', status: 'False', reason: 'B', message: '' },
      t0,
    );
    conditions = setCondition(conditions, { type: 'Ready', status: 'False', reason: 'C', message: '' }, t0);
    expect(conditions.map((c) => c.type)).toEqual(['Ready', 'Degraded']);
  });
});

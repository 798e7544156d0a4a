import { describe, expect, it } from '@jest/globals';
import {
  EMPTY_MEMORY,
  afterLook,
  afterReload,
  planStep,
  reloaderStatus,
  type Observation,
} from './reload-plan.ts';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

function seen(mounted: string | null, loaded: string | null): Observation {
  return {
    mounted:
      mounted === null ? { problem: 'no ..data link' } : { ok: { version: `..v-${mounted}`, hash: mounted } },
    nginx: loaded === null ? { problem: 'nginx is not running' } : { ok: { pid: 42, loadedHash: loaded } },
  };
}

describe('planStep', () => {
  it('reloads the master when the mount holds a configuration nginx does not run', () => {
    expect(planStep(seen(B, A), EMPTY_MEMORY)).toEqual({ kind: 'reload', pid: 42, hash: B });
  });

  it('does nothing when nginx runs what is mounted, or either cannot be read', () => {
    expect(planStep(seen(A, A), EMPTY_MEMORY)).toEqual({ kind: 'none' });
    expect(planStep(seen(null, A), EMPTY_MEMORY)).toEqual({ kind: 'none' });
    expect(planStep(seen(B, null), EMPTY_MEMORY)).toEqual({ kind: 'none' });
  });

  it('does not offer nginx a configuration it refused, but the next one', () => {
    const memory = afterReload(EMPTY_MEMORY, B, { kind: 'refused', error: 'unknown directive "x"' });
    expect(planStep(seen(B, A), memory)).toEqual({ kind: 'none' });
    const C = 'c'.repeat(64);
    expect(planStep(seen(C, A), memory)).toEqual({ kind: 'reload', pid: 42, hash: C });
  });
});

describe('memory and status', () => {
  it('reports a refusal until nginx runs that configuration after all', () => {
    const refused = afterReload(EMPTY_MEMORY, B, { kind: 'refused', error: 'no' });
    expect(reloaderStatus(seen(B, A), afterLook(refused, seen(B, A)))).toEqual({
      mountedHash: B,
      loadedHash: A,
      refused: { hash: B, error: 'no' },
      problem: null,
      lastReloadSeconds: null,
    });
    expect(afterLook(refused, seen(B, B)).refused).toBeNull();
  });

  it('keeps the duration of the last reload and forgets a refusal once another configuration loads', () => {
    const refused = afterReload(EMPTY_MEMORY, B, { kind: 'refused', error: 'no' });
    expect(afterReload(refused, A, { kind: 'loaded', seconds: 0.25 })).toEqual({
      refused: null,
      lastReloadSeconds: 0.25,
    });
  });

  it('names every problem', () => {
    expect(reloaderStatus(seen(null, null), EMPTY_MEMORY)).toMatchObject({
      mountedHash: null,
      loadedHash: null,
      problem: 'no ..data link; nginx is not running',
    });
  });
});

import { describe, expect, it } from '@jest/globals';
import { formatStartup, startupResult } from './startup.ts';
import type { StartupRound } from './startup.ts';

function round(readyMs: number, listeningMs: number): StartupRound {
  return {
    webhook: { helpMs: readyMs / 2, readyMs, firstAnswerMs: readyMs + 100 },
    bare: { nodeMs: listeningMs / 2, listeningMs, firstAnswerMs: listeningMs + 100 },
  };
}

describe('webhook start-up figures', () => {
  it('takes medians of the times and of the rounds ratios', () => {
    const r = startupResult([round(3000, 500), round(2000, 1000), round(4000, 400)]);
    expect(r.webhook).toEqual({ helpMs: 1500, readyMs: 3000, firstAnswerMs: 3100 });
    expect(r.bare).toEqual({ nodeMs: 250, listeningMs: 500, firstAnswerMs: 600 });
    // Ratios 6, 2 and 10: the median of the ratios, not the ratio of the medians.
    expect(r.ratios.readyToListening).toBe(6);
    expect(formatStartup(r)).toMatch(
      /webhook ready \(\/readyz 200\) 3000 ms, bare server listening 500 ms, ratio 6\.00x/,
    );
  });
});

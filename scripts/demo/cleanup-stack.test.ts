import { describe, expect, it } from '@jest/globals';
import { CleanupStack } from './cleanup-stack.ts';

describe('CleanupStack', () => {
  it('runs every step newest first, goes on past failures and reports them', async () => {
    const stack = new CleanupStack();
    const ran: string[] = [];
    stack.push('stop the cluster', () => ran.push('cluster'));
    stack.push('stop the webhook', () => {
      ran.push('webhook');
      throw new Error('still running');
    });
    stack.push('stop nginx', async () => ran.push('nginx'));
    const failures = await stack.runAll();
    expect(ran).toEqual(['nginx', 'webhook', 'cluster']);
    expect(failures.map((f) => `${f.name}: ${f.error.message}`)).toEqual(['stop the webhook: still running']);
    expect(stack.size).toBe(0);
  });

  it('runs the steps once when asked twice at the same time', async () => {
    const stack = new CleanupStack();
    let runs = 0;
    stack.push('stop', async () => {
      runs += 1;
      await new Promise((resolve) => setTimeout(resolve, 10));
    });
    await Promise.all([stack.runAll(), stack.runAll()]);
    expect(runs).toBe(1);
  });
});

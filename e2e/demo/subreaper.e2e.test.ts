// The subreaper the demo test relies on: it reports a process the command left running, even one that
// moved to a session of its own, kills it, and reports nothing when the command waited for its children.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildSubreaper, removeSubreaper, runSubreaped } from './subreaper.ts';

describe('subreaper', () => {
  let binary: string;

  beforeAll(async () => {
    binary = await buildSubreaper();
  }, 120_000);

  afterAll(() => removeSubreaper(binary));

  it('reports and kills a descendant left running in a session of its own', async () => {
    // The subshell exits at once; its `setsid sleep` child is orphaned, in a new session.
    const run = await runSubreaped(binary, 'sh', ['-c', '(setsid sleep 300 &); echo started; exit 3']).done;
    expect(run.exitCode).toBe(3);
    expect(run.stdout).toBe('started\n');
    expect(run.leftovers.map((p) => p.commandLine)).toEqual(['sleep 300']);
    const [left] = run.leftovers;
    expect(() => process.kill(left!.pid, 0)).toThrow();
  });

  it('reports nothing when the command waited for what it started', async () => {
    const run = await runSubreaped(binary, 'sh', ['-c', 'sleep 0.1 & sleep 0.1 & wait']).done;
    expect(run).toMatchObject({ exitCode: 0, leftovers: [] });
  });

  it('reports the signal that killed the command', async () => {
    const run = await runSubreaped(binary, 'sh', ['-c', 'kill -TERM $$']).done;
    expect(run).toMatchObject({ exitCode: 143, signal: 'terminated', leftovers: [] });
  });
});

// A component that fails to start is reported promptly with what is needed to see why, and is not left running.
import { describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ComponentStartError } from './errors.ts';
import { isRunning } from './process-group.ts';
import { startComponent } from './start-component.ts';
import { waitFor } from './wait-for.ts';

function withLogsDir<T>(run: (logsDir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'start-component-'));
  return run(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

describe('startComponent', () => {
  test('a component that exits reports its exit code and the end of its log', () =>
    withLogsDir(async (logsDir) => {
      const started = Date.now();
      const error = await startComponent(
        {
          name: 'etcd',
          command: '/bin/sh',
          args: ['-c', 'echo "listen tcp: address already in use" >&2; exit 3'],
        },
        { logsDir, isReady: async () => false, timeoutMs: 60_000 },
      ).catch((err: unknown) => err);

      expect(error).toBeInstanceOf(ComponentStartError);
      const startError = error as ComponentStartError;
      expect(startError.component).toBe('etcd');
      expect(startError.exit).toBe(3);
      expect(startError.logTail).toContain('address already in use');
      expect(startError.message).toContain('exit code 3');
      expect(Date.now() - started).toBeLessThan(10_000);
    }));

  test('a component that never becomes ready is stopped after the timeout', () =>
    withLogsDir(async (logsDir) => {
      const error = await startComponent(
        { name: 'kube-scheduler', command: '/bin/sh', args: ['-c', 'echo $$; exec sleep 300'] },
        {
          logsDir,
          isReady: async () => {
            // The shell prints its pid as it starts, which a busy machine may delay past the timeout;
            // the pid is what shows below that the component was stopped.
            await waitFor(() => readFileSync(join(logsDir, 'kube-scheduler.log'), 'utf8').trim() !== '', {
              description: 'the component to print its pid',
              timeoutMs: 30_000,
              intervalMs: 20,
            });
            throw new Error('connection refused');
          },
          timeoutMs: 1_000,
        },
      ).catch((err: unknown) => err);

      expect(error).toBeInstanceOf(ComponentStartError);
      const startError = error as ComponentStartError;
      expect(startError.exit).toBeNull();
      expect(startError.message).toContain('was not ready within 1 s (last check: connection refused)');
      const pid = Number(startError.logTail.trim());
      expect(pid).toBeGreaterThan(0);
      expect(isRunning(pid)).toBe(false);
    }));
});

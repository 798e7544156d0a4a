// The recorder the demo test relies on: it sees a process that execs another program under its new
// command line, keeps a process that was reparented, and tells which recorded processes still run.
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from '@jest/globals';
import { isStillRunning, ProcessTreeRecorder } from './process-tree.ts';

describe('ProcessTreeRecorder', () => {
  it('records the latest command line of a process that execs, and which processes are left running', async () => {
    // The subshell is seen as `sh` first, then execs `sleep 7.5`; the parent exits and leaves it orphaned.
    const root = spawn('sh', ['-c', '(sleep 0.4; exec sleep 7.5) & sleep 0.2'], { stdio: 'ignore' });
    const recorder = new ProcessTreeRecorder(root.pid!, 50);
    try {
      await new Promise((resolve) => root.once('exit', resolve));
      await sleep(1_000);
      const recorded = recorder.recorded;
      const orphan = recorded.find((p) => p.commandLine === 'sleep 7.5');
      expect(orphan).toBeDefined();
      expect(recorded.filter(isStillRunning).map((p) => p.commandLine)).toEqual(['sleep 7.5']);
      process.kill(orphan!.pid, 'SIGKILL');
      await sleep(200);
      expect(recorded.filter(isStillRunning)).toEqual([]);
    } finally {
      recorder.stop();
    }
  });
});

import { describe, expect, it } from '@jest/globals';
import { EventEmitter } from 'node:events';
import { silentLogger } from '../logging/logger.ts';
import { processSignals, stopOnTerminationSignals } from './signals.ts';

class FakeProcess extends EventEmitter {
  exitCode: number | undefined;
  exit(code: number): void {
    this.exitCode = code;
  }
}

describe('stopOnTerminationSignals', () => {
  it('asks for a graceful stop on the first signal and exits at once on the second', () => {
    const proc = new FakeProcess();
    const reasons: string[] = [];
    stopOnTerminationSignals({ stop: (reason) => reasons.push(reason) }, proc, silentLogger);
    proc.emit('SIGTERM');
    expect(reasons).toEqual(['received SIGTERM']);
    expect(proc.exitCode).toBeUndefined();
    proc.emit('SIGINT');
    expect(proc.exitCode).toBe(1);
  });

  it('removes its handlers when asked', () => {
    const proc = new FakeProcess();
    const uninstall = stopOnTerminationSignals({ stop: () => undefined }, proc, silentLogger);
    uninstall();
    expect(proc.listenerCount('SIGTERM') + proc.listenerCount('SIGINT')).toBe(0);
  });

  it('listens to this process and lets go of it again', () => {
    const before = process.listenerCount('SIGTERM') + process.listenerCount('SIGINT');
    const reasons: string[] = [];
    const uninstall = stopOnTerminationSignals(
      { stop: (reason) => reasons.push(reason) },
      processSignals,
      silentLogger,
    );
    expect(process.listenerCount('SIGTERM') + process.listenerCount('SIGINT')).toBe(before + 2);
    process.emit('SIGINT');
    expect(reasons).toEqual(['received SIGINT']);
    uninstall();
    expect(process.listenerCount('SIGTERM') + process.listenerCount('SIGINT')).toBe(before);
  });
});

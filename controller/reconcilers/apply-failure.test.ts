import { describe, expect, it } from '@jest/globals';
import type { Logger } from '../../shared/logging/logger.ts';
import { silentLogger } from '../../shared/logging/logger.ts';
import type { ReconcileContext } from '../runtime/controller/reconciler.ts';
import { reportApplyFailure } from './apply-failure.ts';
import type { ApplyFailureReport } from './apply-failure.ts';
import { CHILD_CONFLICT_RETRY_MS, ChildConflictError } from './child-conflicts.ts';

/** A report that remembers what it was asked to record, and a context whose warnings are kept. */
function harness(opts: { aborted?: boolean; failedThrows?: Error } = {}) {
  const calls: string[] = [];
  const warnings: [string, Record<string, unknown> | undefined][] = [];
  const controller = new AbortController();
  if (opts.aborted) controller.abort();
  const logger: Logger = { ...silentLogger, warn: (message, fields) => warnings.push([message, fields]) };
  const ctx: ReconcileContext = { signal: controller.signal, logger };
  const report: ApplyFailureReport = {
    doing: 'applying gateway api-gw',
    conflict: async (err) => {
      calls.push(`conflict: ${err.message}`);
    },
    failed: async (message) => {
      calls.push(`failed: ${message}`);
      if (opts.failedThrows) throw opts.failedThrows;
    },
  };
  return { calls, warnings, ctx, report };
}

const conflict = new ChildConflictError('gateway api-gw', [
  { kind: 'ConfigMap', namespace: 'shop', name: 'gw-api-gw', gaps: ['an owner reference'] },
]);

describe('reportApplyFailure', () => {
  it('reports a failure with what was being done and the error, then rethrows the error itself', async () => {
    const { calls, warnings, ctx, report } = harness();
    const err = new Error('connection reset');
    await expect(reportApplyFailure(err, ctx, report)).rejects.toBe(err);
    expect(calls).toEqual(['failed: applying gateway api-gw failed: connection reset']);
    expect(warnings).toEqual([]);
  });

  it('reports a child held by a foreign object without throwing, and looks again later', async () => {
    const { calls, ctx, report } = harness();
    await expect(reportApplyFailure(conflict, ctx, report)).resolves.toEqual({
      requeueAfter: CHILD_CONFLICT_RETRY_MS,
    });
    expect(calls).toEqual([`conflict: ${conflict.message}`]);
  });

  it('rethrows the apply error, not the status error, when the failure cannot be written', async () => {
    const { calls, warnings, ctx, report } = harness({ failedThrows: new Error('status conflict') });
    const err = new Error('connection reset');
    await expect(reportApplyFailure(err, ctx, report)).rejects.toBe(err);
    expect(calls).toHaveLength(1);
    expect(warnings).toEqual([['could not record the failure in status', { error: 'status conflict' }]]);
  });

  it('writes nothing once the reconcile is cancelled, conflict or not', async () => {
    for (const err of [new Error('aborted'), conflict]) {
      const { calls, ctx, report } = harness({ aborted: true });
      await expect(reportApplyFailure(err, ctx, report)).rejects.toBe(err);
      expect(calls).toEqual([]);
    }
  });
});

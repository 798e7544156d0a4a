// Named readiness checks, evaluated together: a process is ready when every check passes. Each check is a
// cheap synchronous probe of state the process already holds (a loaded certificate, a synced cache).
import { errorMessage } from '../util/error-message.ts';

export type ReadinessCheckResult = boolean | { ok: true } | { ok: false; reason: string };
export type ReadinessCheck = () => ReadinessCheckResult;

interface CheckOutcome {
  name: string;
  ok: boolean;
  reason?: string;
}

export interface ReadinessReport {
  ok: boolean;
  checks: CheckOutcome[];
}

class DuplicateReadinessCheckError extends Error {
  readonly checkName: string;
  constructor(checkName: string) {
    super(`readiness check "${checkName}" is already registered`);
    this.name = 'DuplicateReadinessCheckError';
    this.checkName = checkName;
  }
}

function runCheck(name: string, check: ReadinessCheck): CheckOutcome {
  try {
    const result = check();
    if (result === true || (typeof result === 'object' && result.ok)) return { name, ok: true };
    const reason = typeof result === 'object' && !result.ok ? result.reason : 'not ready';
    return { name, ok: false, reason };
  } catch (err) {
    // A throwing probe means "not ready", never a failed health endpoint.
    return { name, ok: false, reason: `check failed: ${errorMessage(err)}` };
  }
}

export class ReadinessChecks {
  readonly #checks = new Map<string, ReadinessCheck>();

  add(name: string, check: ReadinessCheck): void {
    if (this.#checks.has(name)) throw new DuplicateReadinessCheckError(name);
    this.#checks.set(name, check);
  }

  evaluate(): ReadinessReport {
    const checks = [...this.#checks].map(([name, check]) => runCheck(name, check));
    return { ok: checks.every((c) => c.ok), checks };
  }
}

/** The body Kubernetes components answer on /readyz: one line per check when verbose, failures otherwise. */
export function formatReadinessReport(report: ReadinessReport, verbose: boolean): string {
  const lines = report.checks
    .filter((c) => verbose || !c.ok)
    .map((c) => (c.ok ? `[+]${c.name} ok` : `[-]${c.name} failed: ${c.reason ?? 'not ready'}`));
  const verdict = report.ok ? 'ok' : 'readyz check failed';
  return lines.length > 0 ? `${lines.join('\n')}\n${verdict}\n` : `${verdict}\n`;
}

// A Logger that keeps every entry in memory with the time it was written, so a test can tell what the
// runtime did and when (a retry's delay, a relist) without parsing log files.
import type { Logger } from '../../../shared/logging/logger.ts';

export interface LogEntry {
  at: number;
  level: 'error' | 'warn' | 'info' | 'debug';
  message: string;
  fields: Record<string, unknown>;
}

export function recordingLogger(entries: LogEntry[], context: Record<string, unknown> = {}): Logger {
  const write =
    (level: LogEntry['level']) =>
    (message: string, fields: Record<string, unknown> = {}) =>
      entries.push({ at: Date.now(), level, message, fields: { ...context, ...fields } });
  return {
    error: write('error'),
    warn: write('warn'),
    info: write('info'),
    debug: write('debug'),
    child: (fields) => recordingLogger(entries, { ...context, ...fields }),
  };
}

// The nginx master process of the pod, found through its pid file, and the signal that makes it reload.
// The pod shares one process namespace between its containers and runs both as the same user, so the
// reloader may signal nginx, and nothing else: it holds no capability.
import { readFile } from 'node:fs/promises';
import { errorMessage } from '../shared/util/error-message.ts';

class NginxNotRunningError extends Error {
  constructor(problem: string) {
    super(`nginx is not running: ${problem}`);
    this.name = 'NginxNotRunningError';
  }
}

class NginxSignalError extends Error {
  readonly pid: number;
  constructor(pid: number, cause: unknown) {
    super(`could not signal the nginx master (pid ${pid}): ${errorMessage(cause)}`, { cause });
    this.name = 'NginxSignalError';
    this.pid = pid;
  }
}

/**
 * The master's pid; throws NginxNotRunningError while there is none. A pid file left by a killed nginx
 * may name a pid reused since: the process must be alive, not this one, and not an nginx worker.
 */
export async function nginxMasterPID(pidFile: string): Promise<number> {
  let text: string;
  try {
    text = await readFile(pidFile, 'utf8');
  } catch (err) {
    throw new NginxNotRunningError(`no pid file ${pidFile}: ${errorMessage(err)}`);
  }
  const pid = Number(text.trim());
  if (!Number.isInteger(pid) || pid < 2) throw new NginxNotRunningError(`${pidFile} holds no pid`);
  if (pid === process.pid) throw new NginxNotRunningError(`${pidFile} names the reloader itself`);
  let commandLine: string;
  try {
    commandLine = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).replaceAll('\0', ' ');
  } catch {
    throw new NginxNotRunningError(`pid ${pid} from ${pidFile} is not running`);
  }
  if (!commandLine.includes('nginx') || commandLine.includes('worker process')) {
    throw new NginxNotRunningError(`pid ${pid} from ${pidFile} is not an nginx master: ${commandLine}`);
  }
  return pid;
}

/** SIGHUP: nginx checks the configuration files, and starts workers with them or keeps the old ones. */
export function signalReload(pid: number): void {
  try {
    process.kill(pid, 'SIGHUP');
  } catch (err) {
    throw new NginxSignalError(pid, err);
  }
}

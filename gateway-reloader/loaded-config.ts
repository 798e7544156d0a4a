// Asks nginx which configuration it runs: its status location answers the loaded configuration's hash.
// Each question opens a new connection, so once the master has started new workers (which then take every
// new connection) the answer is theirs; the old workers only finish what they have.
import { request } from 'node:http';
import { CONFIG_STATUS_PATH, configHashInAnswer } from '../shared/gateway/config-status.ts';
import { errorMessage } from '../shared/util/error-message.ts';

class NginxNotAnsweringError extends Error {
  constructor(url: string, problem: string) {
    super(`nginx at ${url} did not tell its configuration: ${problem}`);
    this.name = 'NginxNotAnsweringError';
  }
}

/** The hash of the configuration nginx serves; throws NginxNotAnsweringError. */
export function loadedConfigHash(nginxURL: string, timeoutMs: number): Promise<string> {
  const url = `${nginxURL}${CONFIG_STATUS_PATH}`;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { agent: false, headers: { connection: 'close' }, timeout: timeoutMs },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => {
          const hash = res.statusCode === 200 ? configHashInAnswer(body) : undefined;
          if (hash !== undefined) resolve(hash);
          else reject(new NginxNotAnsweringError(url, `HTTP ${res.statusCode}: ${body.slice(0, 200)}`));
        });
        res.on('error', (err) => reject(new NginxNotAnsweringError(url, errorMessage(err))));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (err) => reject(new NginxNotAnsweringError(url, errorMessage(err))));
    req.end();
  });
}

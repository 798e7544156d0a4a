// One HTTP/1.1 request whose request target goes on the wire byte for byte as the test wrote it, as with
// `curl --path-as-is` and beyond: Node's http client would refuse some of the targets a hostile client
// sends (raw NUL, spaces, bytes above 0x7F).
import { connect } from 'node:net';

export interface RawAnswer {
  status: number;
  /** Header names in lower case; the last value of a repeated header. */
  headers: Record<string, string>;
  /** As received, chunked framing included. */
  body: string;
}

/**
 * Sends `GET <target> HTTP/1.1` to 127.0.0.1:`port` and reads the answer until the server closes.
 * `target` is latin1: each character is one byte.
 */
export function sendRawRequest(
  port: number,
  target: string,
  headers: Record<string, string> = {},
): Promise<RawAnswer> {
  const head = Object.entries({ Host: 'gateway.test', ...headers, Connection: 'close' })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      const [statusLine = '', ...lines] = text.slice(0, end === -1 ? text.length : end).split('\r\n');
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1];
      if (status === undefined) {
        reject(new Error(`no HTTP answer to ${JSON.stringify(target)}: ${JSON.stringify(text)}`));
        return;
      }
      const answerHeaders: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        answerHeaders[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({
        status: Number(status),
        headers: answerHeaders,
        body: end === -1 ? '' : text.slice(end + 4),
      });
    });
    // Not end(): nginx takes a half-closed connection for a client gone and drops a proxied request.
    socket.write(Buffer.from(`GET ${target} HTTP/1.1\r\n${head}\r\n`, 'latin1'));
  });
}

// The floor of the webhook's start-up: a bare Node HTTPS server with the same certificate, loading nothing
// but node:https, that answers every request with the same canned bytes. Prints {"port": N} on standard
// output once listening; exits on SIGTERM.
//   node bench/webhook/startup-bare-server.ts CERT_DIR CANNED_ANSWER
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';

const [certDir = '.', canned = '{}'] = process.argv.slice(2);
const answer = Buffer.from(canned);
process.once('SIGTERM', () => process.exit(0));

const server = createServer(
  {
    cert: readFileSync(`${certDir}/tls.crt`),
    key: readFileSync(`${certDir}/tls.key`),
    minVersion: 'TLSv1.2',
  },
  (req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': answer.length });
      res.end(answer);
    });
  },
);
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});

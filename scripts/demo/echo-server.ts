// The stand-in for the sample Service "echo" on this machine: an HTTP server at the Service's port on a
// loopback address, answering every request with what it received, so the demo can show where a
// request went through the gateway and what the gateway passed on.
import { createServer } from 'node:http';

export interface EchoServer {
  /** `address:port`. */
  origin: string;
  close(): Promise<void>;
}

class EchoServerError extends Error {
  readonly address: string;
  readonly port: number;
  constructor(address: string, port: number, cause: Error) {
    super(
      `cannot listen on ${address}:${port} for the sample Service (${cause.message}); ` +
        `the sample routes send to port ${port}, so stop whatever listens on it`,
      { cause },
    );
    this.name = 'EchoServerError';
    this.address = address;
    this.port = port;
  }
}

export async function startEchoServer(name: string, address: string, port: number): Promise<EchoServer> {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const body = JSON.stringify({
        service: name,
        method: request.method,
        url: request.url,
        headers: request.headers,
      });
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new EchoServerError(address, port, error)));
    server.listen(port, address, resolve);
  });
  return {
    origin: `${address}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

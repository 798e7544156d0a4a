// One HTTP request to 127.0.0.1 with full control of method, Host and headers (fetch would not let a test
// set Host), answered with status, headers and the body as text.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';

export interface HTTPAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface HTTPRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Source address, e.g. 127.0.0.2 to appear as another client. */
  localAddress?: string;
}

export function sendRequest(
  port: number,
  path: string,
  options: HTTPRequestOptions = {},
): Promise<HTTPAnswer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        headers: options.headers,
        localAddress: options.localAddress,
        agent: false,
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

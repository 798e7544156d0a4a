// The sample Service "echo" as the gateway will reach it: a DNS server (the one the controller gives the
// gateways) resolves its cluster name to a loopback address picked at random, where a local server
// answers at the Service's port.
import { randomInt } from 'node:crypto';
import { startLoopbackDnsServer } from '../../test/nginx/loopback-dns-server.ts';
import type { CleanupStack } from './cleanup-stack.ts';
import type { DemoOutput } from './demo-output.ts';
import { ECHO_ADDRESS_PREFIX, ECHO_PORT, ECHO_SERVICE, SAMPLES_NAMESPACE } from './demo-settings.ts';
import { startEchoServer } from './echo-server.ts';

/** Starts both and returns the DNS server's `host:port`, for the controller's --gateway-resolver. */
export async function startSampleBackend(cleanup: CleanupStack, out: DemoOutput): Promise<string> {
  const name = `${ECHO_SERVICE}.${SAMPLES_NAMESPACE}.svc.cluster.local`;
  const address = `${ECHO_ADDRESS_PREFIX}.${randomInt(1, 255)}.${randomInt(1, 255)}`;
  const echo = await startEchoServer(ECHO_SERVICE, address, ECHO_PORT);
  cleanup.push('stop the echo server', () => echo.close());
  const dns = await startLoopbackDnsServer();
  cleanup.push('stop the DNS server', () => dns.close());
  dns.set(name, address);
  out.step(`echo server on ${echo.origin}, standing in for the Service ${SAMPLES_NAMESPACE}/${ECHO_SERVICE}`);
  out.step(`DNS server on ${dns.address}: ${name} -> ${address}; every other name is unknown`);
  return dns.address;
}

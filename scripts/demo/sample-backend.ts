// The sample Service "echo" and the OpenAI-compatible servers of the sample AIModels as the gateway will
// reach them: a DNS server (the one the controller gives the gateways) resolves their cluster names to
// loopback addresses picked at random, where local servers answer at the ports the samples name.
import { randomInt } from 'node:crypto';
import { startLoopbackDNSServer } from '../../test/nginx/loopback-dns-server.ts';
import type { CleanupStack } from './cleanup-stack.ts';
import type { DemoOutput } from './demo-output.ts';
import {
  ECHO_ADDRESS_PREFIX,
  ECHO_PORT,
  ECHO_SERVICE,
  FALLBACK_MODEL_SERVER,
  MODEL_SERVER_PORT,
  PRIMARY_MODEL_SERVER,
  SAMPLES_NAMESPACE,
} from './demo-settings.ts';
import { startEchoServer } from './echo-server.ts';
import { startModelServer } from './model-server.ts';
import type { ModelServer } from './model-server.ts';

export interface SampleBackends {
  /** The DNS server's `host:port`, for the controller's --gateway-resolver. */
  resolver: string;
  primary: ModelServer;
  fallback: ModelServer;
}

/** Distinct loopback addresses in the echo server's range, picked at random. */
function loopbackAddresses(count: number): string[] {
  const addresses = new Set<string>();
  while (addresses.size < count) {
    addresses.add(`${ECHO_ADDRESS_PREFIX}.${randomInt(1, 255)}.${randomInt(1, 255)}`);
  }
  return [...addresses];
}

const serviceName = (service: string) => `${service}.${SAMPLES_NAMESPACE}.svc.cluster.local`;

/** Starts the servers and the DNS server that names them. */
export async function startSampleBackend(cleanup: CleanupStack, out: DemoOutput): Promise<SampleBackends> {
  const [echoAddress, primaryAddress, fallbackAddress] = loopbackAddresses(3) as [string, string, string];
  const echo = await startEchoServer(ECHO_SERVICE, echoAddress, ECHO_PORT);
  cleanup.push('stop the echo server', () => echo.close());
  const models: [ModelServer, string][] = [];
  for (const [{ service, usage }, address] of [
    [PRIMARY_MODEL_SERVER, primaryAddress],
    [FALLBACK_MODEL_SERVER, fallbackAddress],
  ] as const) {
    const server = await startModelServer(service, address, MODEL_SERVER_PORT, usage);
    cleanup.push(`stop the model server ${service}`, () => server.close());
    models.push([server, address]);
  }
  const dns = await startLoopbackDNSServer();
  cleanup.push('stop the DNS server', () => dns.close());
  dns.set(serviceName(ECHO_SERVICE), echoAddress);
  for (const [server, address] of models) dns.set(serviceName(server.name), address);

  out.step(`echo server on ${echo.origin}, standing in for the Service ${SAMPLES_NAMESPACE}/${ECHO_SERVICE}`);
  for (const [server] of models) {
    out.step(
      `OpenAI-compatible model server on ${server.origin}, standing in for ${serviceName(server.name)}:${MODEL_SERVER_PORT}`,
    );
  }
  const named: [string, string][] = [
    [ECHO_SERVICE, echoAddress],
    ...models.map(([server, address]): [string, string] => [server.name, address]),
  ];
  const mappings = named.map(([service, address]) => `${serviceName(service)} -> ${address}`);
  out.step(`DNS server on ${dns.address}: ${mappings.join(', ')}; every other name is unknown`);
  const [primary, fallback] = models.map(([server]) => server) as [ModelServer, ModelServer];
  return { resolver: dns.address, primary, fallback };
}

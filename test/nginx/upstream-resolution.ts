// When an nginx that resolves upstream names at run time (`server … resolve`) can serve them: its workers
// ask the DNS server once they start and, until the answer is in, answer 502. When the configuration's
// resolver is a loopback DNS server of this process, the answers can be seen: each name answered after
// the workers started, and every datagram the DNS server sent read by nginx (no UDP socket connected to
// it holds one unread), at which point nginx has applied it, as it handles a DNS answer as it reads it.
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseNginxConfig, walkDirectives } from '../../shared/gateway/testing/nginx-config-parser.ts';
import { loopbackDNSServerAt, type LoopbackDNSServer } from './loopback-dns-server.ts';

const TIMEOUT_MS = 10_000;

interface RunTimeNames {
  /** The first address of the `resolver` directive, as written. */
  resolver: string | undefined;
  /** Hosts of `server … resolve`, without their port. */
  names: string[];
}

function runTimeNames(config: string): RunTimeNames {
  const directives = [...walkDirectives(parseNginxConfig(config))].map(({ directive }) => directive);
  const names = directives
    .filter((d) => d.name === 'server' && d.args.some((a) => a.value === 'resolve'))
    .map((d) => (d.args[0]?.value ?? '').replace(/:\d+$/, '').toLowerCase());
  const resolver = directives.find((d) => d.name === 'resolver')?.args[0]?.value;
  return { resolver, names: [...new Set(names)] };
}

/** Whether a UDP socket connected to `port` on 127.0.0.1 holds datagrams no one has read yet. */
async function unreadDatagramsFrom(port: number): Promise<boolean> {
  // Lines of /proc/net/udp: "sl local_address rem_address st tx_queue:rx_queue …", addresses in hex.
  const remote = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const table = await readFile('/proc/net/udp', 'utf8');
  return table
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .some(([, , rem, , queues]) => rem === remote && !/:0+$/.test(queues ?? ':0'));
}

async function waitUntil(condition: () => boolean | Promise<boolean>, failure: () => string): Promise<void> {
  const deadline = Date.now() + TIMEOUT_MS;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(failure());
    await sleep(10);
  }
}

export interface UpstreamResolution {
  /** Resolves once nginx holds the answers to the names, at once when nothing can be seen or awaited. */
  wait(): Promise<void>;
}

/**
 * To be called just before nginx starts workers for `config` (a start or a reload): the names it will
 * resolve at run time, less those of `previous` (a reload keeps what was resolved for them).
 */
export function upstreamResolution(config: string, previous?: string): UpstreamResolution {
  const { resolver, names } = runTimeNames(config);
  const known = new Set(previous === undefined ? [] : runTimeNames(previous).names);
  const awaited = names.filter((name) => !known.has(name));
  const dns: LoopbackDNSServer | undefined =
    resolver === undefined ? undefined : loopbackDNSServerAt(resolver);
  const answeredBefore = dns?.answered.length ?? 0;
  return {
    async wait() {
      // A silent DNS server answers nothing; nginx keeps what it had, and there is nothing to wait for.
      if (dns === undefined || awaited.length === 0 || dns.silent) return;
      const unanswered = () => {
        const answered = new Set(dns.answered.slice(answeredBefore));
        return awaited.filter((name) => !answered.has(name));
      };
      await waitUntil(
        () => unanswered().length === 0,
        () => `nginx did not ask ${dns.address} for ${unanswered().join(', ')} within ${TIMEOUT_MS} ms`,
      );
      await waitUntil(
        async () => !(await unreadDatagramsFrom(dns.port)),
        () => `nginx did not read the answers of ${dns.address} within ${TIMEOUT_MS} ms`,
      );
    },
  };
}

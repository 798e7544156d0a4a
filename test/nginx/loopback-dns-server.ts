// A DNS server on 127.0.0.1 for tests: answers A queries for the names it is given (Service names, model
// hosts) with loopback addresses, NXDOMAIN for every other name. It lets nginx's resolver reach local
// backends by their cluster names without touching /etc/hosts. Names can be added and removed while it
// runs, as Services come and go, and it can fall silent, as a DNS server that is down. The servers of
// this process can be found by address, so whoever starts nginx can tell when its names were answered.
import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import {
  DNS_CLASS_IN,
  DNS_TYPE_A,
  DNS_TYPE_ANY,
  DNSFormatError,
  RCODE,
  dnsAnswer,
  dnsFormatErrorAnswer,
  parseDNSQuery,
  type DNSQuery,
} from './dns-message.ts';

export interface LoopbackDNSServer {
  /** "127.0.0.1:<port>", as nginx's resolver directive takes it. */
  address: string;
  port: number;
  /** Answers `name` with `address` (a 127.x.y.z address) from now on. */
  set(name: string, address?: string): void;
  delete(name: string): void;
  /** While silent, questions are recorded but not answered. */
  silent: boolean;
  /** Questions received, in order, for tests that check what was resolved. */
  readonly questions: readonly string[];
  /** The names of the questions answered so far, in order, each once its answer was sent. */
  readonly answered: readonly string[];
  close(): Promise<void>;
}

const running = new Map<string, LoopbackDNSServer>();

/** The loopback DNS server of this process at `address` ("127.0.0.1:<port>"), if one runs there. */
export function loopbackDNSServerAt(address: string): LoopbackDNSServer | undefined {
  return running.get(address);
}

const TTL_SECONDS = 1;

function canonicalName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

function answer(query: DNSQuery, records: ReadonlyMap<string, string>): Buffer {
  const { name, type } = query.question;
  if (query.opcode !== 0) return dnsAnswer(query, RCODE.notImplemented, [], TTL_SECONDS);
  if (query.question.class !== DNS_CLASS_IN) return dnsAnswer(query, RCODE.refused, [], TTL_SECONDS);
  const address = records.get(name);
  if (address === undefined) return dnsAnswer(query, RCODE.nameError, [], TTL_SECONDS);
  // A known name has no record of another type (AAAA and so on): an empty NOERROR answer.
  const addresses = type === DNS_TYPE_A || type === DNS_TYPE_ANY ? [address] : [];
  return dnsAnswer(query, RCODE.noError, addresses, TTL_SECONDS);
}

export async function startLoopbackDNSServer(names: Iterable<string> = []): Promise<LoopbackDNSServer> {
  const records = new Map<string, string>();
  const questions: string[] = [];
  const answered: string[] = [];
  let silent = false;
  const set = (name: string, address = '127.0.0.1') => {
    if (!/^127(\.\d{1,3}){3}$/.test(address)) throw new Error(`${address} is not a loopback IPv4 address`);
    records.set(canonicalName(name), address);
  };
  for (const name of names) set(name);
  const socket = dgram.createSocket('udp4');
  socket.on('message', (message, peer) => {
    let reply: Buffer | undefined;
    let name: string | undefined;
    try {
      const query = parseDNSQuery(message);
      name = query.question.name;
      questions.push(name);
      reply = answer(query, records);
    } catch (error) {
      if (!(error instanceof DNSFormatError)) throw error;
      reply = dnsFormatErrorAnswer(message);
    }
    if (reply === undefined || silent) return;
    socket.send(reply, peer.port, peer.address, (error) => {
      if (!error && name !== undefined) answered.push(name);
    });
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      socket.off('error', reject);
      resolve();
    });
  });
  const { port } = socket.address() as AddressInfo;
  const address = `127.0.0.1:${port}`;
  const server: LoopbackDNSServer = {
    address,
    port,
    set,
    delete: (name) => void records.delete(canonicalName(name)),
    get silent() {
      return silent;
    },
    set silent(value: boolean) {
      silent = value;
    },
    questions,
    answered,
    close: () =>
      new Promise<void>((resolve) => {
        running.delete(address);
        socket.close(() => resolve());
      }),
  };
  running.set(address, server);
  return server;
}

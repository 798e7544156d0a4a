// Hosts the operator must not send traffic to on a user's behalf: from inside the cluster they reach the
// node or pod itself (loopback, the unspecified address), the node's link (link-local) or the cloud's
// instance metadata service, which hands out the node's credentials. The webhook refuses them in model
// endpoints and route destinations, and the gateway renderer refuses objects stored before that rule.
//
// A host is judged in the spelling a URL parser and a resolver read it in, not as written: letters in any
// case, trailing dots, and IPv4 addresses in decimal, octal or hex, whole or shortened (`2130706433`,
// `0177.0.0.1`, `0x7f.1`, `127.1`), and IPv6 addresses embedding IPv4 (`::ffff:127.0.0.1`) are all read
// as the address they reach. A name that a DNS server answers with a local address is not caught here:
// that is the cluster's egress policy's to stop.
import { isIP } from 'node:net';

type LocalHostKind = 'loopback' | 'unspecified' | 'link-local' | 'metadata';

export interface LocalHost {
  /** The host as written. */
  host: string;
  /** The address or name it is read as, e.g. `127.0.0.1` for `0x7f.1`. */
  readAs: string;
  kind: LocalHostKind;
}

/** Names a DNS resolver answers with the loopback address (RFC 6761 reserves them for it). */
const LOOPBACK_NAME = /^(.+\.)?localhost$/;
/** Cloud instance metadata services by their fully qualified names. */
export const METADATA_NAMES = [
  'metadata.google.internal', // Google Cloud
  'metadata.goog', // Google Cloud
  'instance-data.ec2.internal', // AWS
  'metadata.tencentyun.com', // Tencent Cloud
] as const;
/**
 * Short names a cloud VM's search domains complete into a metadata name. Only where a name is used as
 * written: the gateway completes a one-label route destination into a Service name of the route's namespace.
 */
const METADATA_SHORT_NAMES = ['metadata', 'instance-data'] as const;
/** Metadata services at addresses outside the link-local ranges. */
const METADATA_ADDRESSES = [
  '100.100.100.200', // Alibaba Cloud
  '168.63.129.16', // Azure WireServer
  'fd00:ec2::254', // AWS, over IPv6
  'fd20:ce::254', // Google Cloud, over IPv6
] as const;

const KIND_WORDS: Record<LocalHostKind, string> = {
  loopback: 'a loopback address',
  unspecified: 'the unspecified address, which reaches the local host',
  'link-local': 'a link-local address',
  metadata: 'a cloud instance metadata service',
};

/** Characters that would make a URL parser read another host than the one given. */
const NOT_A_HOST = /[/?#@\\\s]/;

/** Only case, brackets and trailing dots apart: what a reader needs no "read as" for. */
function plainHost(host: string): string {
  return host
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.+$/, '');
}

/** The host as a URL parser reads it: lower case, IPv4 spellings as dotted quads, IPv6 compressed. */
function canonicalHost(host: string): string {
  const name = plainHost(host);
  if (NOT_A_HOST.test(name)) return name;
  const literal = name.includes(':') ? `[${name}]` : name;
  try {
    return plainHost(new URL(`http://${literal}/`).hostname);
  } catch {
    return name;
  }
}

function ipv4Kind(address: string): LocalHostKind | undefined {
  if ((METADATA_ADDRESSES as readonly string[]).includes(address)) return 'metadata';
  const [first, second] = address.split('.').map(Number);
  if (first === 127) return 'loopback';
  if (first === 0) return 'unspecified';
  // 169.254.169.254 is every major cloud's metadata service; the rest of the range is the node's link.
  if (address === '169.254.169.254') return 'metadata';
  if (first === 169 && second === 254) return 'link-local';
  return undefined;
}

/** The eight 16-bit groups of a canonical IPv6 address (no embedded IPv4: URL parsing writes hex). */
function ipv6Groups(address: string): number[] {
  const [head = '', tail] = address.split('::');
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const front = parse(head);
  const back = tail === undefined ? [] : parse(tail);
  return [...front, ...Array<number>(8 - front.length - back.length).fill(0), ...back];
}

/** IPv4 carried in IPv6: mapped (::ffff:0:0/96), compatible (::/96) and NAT64 (64:ff9b::/96). */
function embeddedIPv4(groups: readonly number[]): string | undefined {
  const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0, g = 0, h = 0] = groups;
  const mapped = a === 0 && b === 0 && c === 0 && d === 0 && e === 0 && (f === 0xffff || f === 0);
  const nat64 = a === 0x64 && b === 0xff9b && c === 0 && d === 0 && e === 0 && f === 0;
  if (!mapped && !nat64) return undefined;
  return [g >> 8, g & 0xff, h >> 8, h & 0xff].join('.');
}

function ipv6Kind(address: string): LocalHostKind | undefined {
  const groups = ipv6Groups(address);
  const same = (text: string) => isIP(text) === 6 && ipv6Groups(text).join(':') === groups.join(':');
  if (METADATA_ADDRESSES.some(same)) return 'metadata';
  const zeroes = groups.slice(0, 7).every((g) => g === 0);
  if (zeroes && groups[7] === 1) return 'loopback';
  if (zeroes && groups[7] === 0) return 'unspecified';
  if (((groups[0] ?? 0) & 0xffc0) === 0xfe80) return 'link-local';
  return undefined;
}

function nameKind(name: string, shortNames: boolean): LocalHostKind | undefined {
  if (LOOPBACK_NAME.test(name)) return 'loopback';
  if ((METADATA_NAMES as readonly string[]).includes(name)) return 'metadata';
  if (shortNames && (METADATA_SHORT_NAMES as readonly string[]).includes(name)) return 'metadata';
  return undefined;
}

/** The address or name `readAs` reaches, when it is local. IPv4 carried in IPv6 is judged as IPv4. */
function kindOf(readAs: string, shortNames: boolean): { readAs: string; kind: LocalHostKind | undefined } {
  const family = isIP(readAs);
  if (family === 4) return { readAs, kind: ipv4Kind(readAs) };
  if (family !== 6) return { readAs, kind: nameKind(readAs, shortNames) };
  const v4 = embeddedIPv4(ipv6Groups(readAs));
  const kind = ipv6Kind(readAs);
  return kind === undefined && v4 !== undefined ? { readAs: v4, kind: ipv4Kind(v4) } : { readAs, kind };
}

function classify(host: string, shortNames: boolean): LocalHost | undefined {
  const { readAs, kind } = kindOf(canonicalHost(host), shortNames);
  return kind === undefined ? undefined : { host, readAs, kind };
}

/** A host used as written (a URL's host): what it reaches, when that is local; else undefined. */
export function localHost(host: string): LocalHost | undefined {
  return classify(host, true);
}

/**
 * A route's destination Service: as localHost, but a one-label name is a Service of the route's namespace
 * (the gateway completes it into <name>.<namespace>.svc.<cluster domain>), not a metadata short name.
 */
export function localServiceHost(service: string): LocalHost | undefined {
  return classify(service, false);
}

/** The words of every refusal, in the webhook's errors and the gateway's route status alike. */
export function localEgressDetail(found: LocalHost): string {
  const host = JSON.stringify(found.host);
  const readAs = plainHost(found.host) === found.readAs ? host : `${host} (read as ${found.readAs})`;
  return (
    `must not reach a loopback, link-local or cloud metadata host: the host ${readAs} is ` +
    `${KIND_WORDS[found.kind]}; any other host is allowed, and these only with the chart value ` +
    'security.allowLocalEgress (--allow-local-egress of the webhook and the controller)'
  );
}

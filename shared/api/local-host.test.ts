import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { BlockList } from 'node:net';
import { localEgressDetail, localHost, localServiceHost, METADATA_NAMES } from './local-host.ts';

const octets = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255));

/** One number of an IPv4 spelling: decimal, octal (leading 0) or hex (0x, either case). */
const spellNumber = (n: number) =>
  fc.constantFrom(String(n), `0${n.toString(8)}`, `0x${n.toString(16)}`, `0X${n.toString(16).toUpperCase()}`);

/** Every spelling inet_aton and URL parsing accept: a.b.c.d, a.b.c (16-bit tail), a.b (24-bit), a (32-bit). */
function spellIPv4([a, b, c, d]: [number, number, number, number]): fc.Arbitrary<string> {
  const forms = [
    [a, b, c, d],
    [a, b, c * 256 + d],
    [a, b * 65536 + c * 256 + d],
    [((a * 256 + b) * 256 + c) * 256 + d],
  ];
  return fc
    .constantFrom(...forms)
    .chain((parts) => fc.tuple(...parts.map(spellNumber)))
    .chain((parts) => fc.constantFrom(parts.join('.'), `${parts.join('.')}.`));
}

const hex = (n: number) => n.toString(16);
/** The same address inside IPv6: mapped, as dotted quad or hex, compatible, NAT64; bracketed or not. */
function spellEmbedded([a, b, c, d]: [number, number, number, number]): fc.Arbitrary<string> {
  const tail = `${hex(a * 256 + b)}:${hex(c * 256 + d)}`;
  return fc
    .constantFrom(
      `::ffff:${a}.${b}.${c}.${d}`,
      `::FFFF:${tail}`,
      `0:0:0:0:0:ffff:${tail}`,
      `::${a}.${b}.${c}.${d}`,
      `64:ff9b::${a}.${b}.${c}.${d}`,
    )
    .chain((v6) => fc.constantFrom(v6, `[${v6}]`));
}

const randomCase = (text: string) =>
  fc
    .array(fc.boolean(), { minLength: text.length, maxLength: text.length })
    .map((upper) => [...text].map((ch, i) => (upper[i] ? ch.toUpperCase() : ch)).join(''));

const label = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,8}[a-z0-9])?$/);

// An oracle that shares no code with the classifier: Node's own address matching.
const local = new BlockList();
local.addSubnet('127.0.0.0', 8);
local.addSubnet('0.0.0.0', 8);
local.addSubnet('169.254.0.0', 16);
local.addAddress('100.100.100.200');
local.addAddress('168.63.129.16');

describe('localHost', () => {
  it('reads every spelling of an IPv4 address as the address, local exactly where the address is (property)', () => {
    fc.assert(
      fc.property(
        octets.chain((o) => fc.tuple(fc.constant(o), fc.oneof(spellIPv4(o), spellEmbedded(o)))),
        ([o, spelled]) => {
          const address = o.join('.');
          // IPv4-compatible 0.0.0.0 and 0.0.0.1 are IPv6's own unspecified and loopback addresses.
          fc.pre(!/^\[?::0\.0\.0\.[01]\]?$/.test(spelled));
          const found = localHost(spelled);
          expect(found === undefined ? undefined : found.readAs).toBe(
            local.check(address, 'ipv4') ? address : undefined,
          );
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('finds loopback however it is spelled (property)', () => {
    const loopback = fc.tuple(fc.constant(127), fc.nat(255), fc.nat(255), fc.nat(255));
    fc.assert(
      fc.property(
        loopback.chain((o) => fc.oneof(spellIPv4(o), spellEmbedded(o))),
        (spelled) => expect(localHost(spelled)?.kind).toBe('loopback'),
      ),
      { numRuns: 1000 },
    );
  });

  it.each([
    ['2130706433', '127.0.0.1', 'loopback'],
    ['0177.0.0.1', '127.0.0.1', 'loopback'],
    ['0x7f.1', '127.0.0.1', 'loopback'],
    ['127.1', '127.0.0.1', 'loopback'],
    ['127.0.0.1..', '127.0.0.1', 'loopback'],
    ['::ffff:127.0.0.1', '127.0.0.1', 'loopback'],
    ['[0:0:0:0:0:0:0:1]', '::1', 'loopback'],
    ['localhost.', 'localhost', 'loopback'],
    ['LOCALHOST', 'localhost', 'loopback'],
    ['api.internal.localhost', 'api.internal.localhost', 'loopback'],
    ['0', '0.0.0.0', 'unspecified'],
    ['0.0.0.0', '0.0.0.0', 'unspecified'],
    ['::', '::', 'unspecified'],
    ['169.254.0.1', '169.254.0.1', 'link-local'],
    ['FE80::1', 'fe80::1', 'link-local'],
    ['febf:ffff::1', 'febf:ffff::1', 'link-local'],
    ['169.254.169.254', '169.254.169.254', 'metadata'],
    ['0xa9fea9fe', '169.254.169.254', 'metadata'],
    ['[fd00:ec2::254]', 'fd00:ec2::254', 'metadata'],
    ['Metadata.Google.Internal.', 'metadata.google.internal', 'metadata'],
    ['metadata', 'metadata', 'metadata'],
    ['instance-data', 'instance-data', 'metadata'],
    ['ⓛocalhost', 'localhost', 'loopback'],
  ])('reads %s as %s, %s', (host, readAs, kind) => {
    expect(localHost(host)).toEqual({ host, readAs, kind });
  });

  it.each([
    'api.openai.com',
    '10.0.0.5',
    'fd00::1',
    'fec0::1',
    '::ffff:10.0.0.1',
    '169.253.255.255',
    '128.0.0.1',
    'localhost.example.com',
    'mylocalhost',
    'metadata.example.com',
    'my-metadata',
    '0x7f.example',
    '09.1.1.1',
  ])('leaves %s alone', (host) => {
    expect(localHost(host)).toBeUndefined();
  });

  it('finds every localhost and metadata name in any case, with trailing dots (property)', () => {
    const names = fc.oneof(
      fc.array(label, { maxLength: 3 }).map((labels) => [...labels, 'localhost'].join('.')),
      fc.constantFrom(...METADATA_NAMES),
    );
    fc.assert(
      fc.property(
        names.chain((name) => fc.tuple(fc.constant(name), randomCase(name))),
        fc.nat(2),
        ([name, spelled], dots) => {
          expect(localHost(`${spelled}${'.'.repeat(dots)}`)?.readAs).toBe(name);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('leaves ordinary DNS names alone (property)', () => {
    const name = fc
      .array(label, { minLength: 1, maxLength: 4 })
      .map((labels) => [...labels, 'example'].join('.'))
      .filter((n) => !/(^|\.)localhost\./.test(n));
    fc.assert(fc.property(name, (n) => expect(localHost(n)).toBeUndefined()));
  });
});

describe('localServiceHost', () => {
  it('reads a one-label name as a Service of the namespace, never a metadata short name', () => {
    expect(localServiceHost('metadata')).toBeUndefined();
    expect(localServiceHost('instance-data')).toBeUndefined();
    expect(localServiceHost('localhost')?.kind).toBe('loopback');
    expect(localServiceHost('metadata.google.internal')?.kind).toBe('metadata');
    expect(localServiceHost('0x7f.1')?.readAs).toBe('127.0.0.1');
  });
});

describe('localEgressDetail', () => {
  it('names the host, what it is read as when spelled otherwise, what it is and what is allowed', () => {
    expect(localEgressDetail(localHost('0x7f.1')!)).toBe(
      'must not reach a loopback, link-local or cloud metadata host: the host "0x7f.1" (read as 127.0.0.1) is a loopback address; any other host is allowed, and these only with the chart value security.allowLocalEgress (--allow-local-egress of the webhook and the controller)',
    );
    expect(localEgressDetail(localHost('Metadata.Goog.')!)).toMatch(
      /: the host "Metadata\.Goog\." is a cloud instance metadata service;/,
    );
  });
});

import { afterEach, describe, expect, it } from '@jest/globals';
import dgram from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import { parseDNSQuery, RCODE } from './dns-message.ts';
import {
  loopbackDNSServerAt,
  startLoopbackDNSServer,
  type LoopbackDNSServer,
} from './loopback-dns-server.ts';

let server: LoopbackDNSServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function resolverFor(dns: LoopbackDNSServer): Resolver {
  const resolver = new Resolver({ timeout: 2000, tries: 1 });
  resolver.setServers([dns.address]);
  return resolver;
}

/** A raw query, to see the answer bytes a resolver library would hide. */
async function rawExchange(port: number, message: Buffer): Promise<Buffer> {
  const socket = dgram.createSocket('udp4');
  try {
    return await new Promise<Buffer>((resolve, reject) => {
      socket.once('message', resolve);
      socket.once('error', reject);
      socket.send(message, port, '127.0.0.1');
    });
  } finally {
    socket.close();
  }
}

function query(id: number, name: string, type: number): Buffer {
  const labels = name.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)]));
  const head = Buffer.alloc(12);
  head.writeUInt16BE(id, 0);
  head.writeUInt16BE(0x0100, 2);
  head.writeUInt16BE(1, 4);
  const tail = Buffer.alloc(4);
  tail.writeUInt16BE(type, 0);
  tail.writeUInt16BE(1, 2);
  return Buffer.concat([head, ...labels, Buffer.from([0]), tail]);
}

describe('loopback DNS server', () => {
  it('answers A queries for its names with the loopback address, case-insensitively', async () => {
    server = await startLoopbackDNSServer(['users.team-a.svc.cluster.local']);
    const resolver = resolverFor(server);
    await expect(resolver.resolve4('users.team-a.svc.cluster.local')).resolves.toEqual(['127.0.0.1']);
    await expect(resolver.resolve4('USERS.Team-A.svc.cluster.local')).resolves.toEqual(['127.0.0.1']);
    expect(server.questions).toContain('users.team-a.svc.cluster.local');
  });

  it('answers NXDOMAIN for unknown names and an empty answer for other record types', async () => {
    server = await startLoopbackDNSServer(['known.test']);
    const resolver = resolverFor(server);
    await expect(resolver.resolve4('unknown.test')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(resolver.resolve6('known.test')).rejects.toMatchObject({ code: 'ENODATA' });
  });

  it('follows names added and removed while it runs, with other loopback addresses', async () => {
    server = await startLoopbackDNSServer();
    const resolver = resolverFor(server);
    await expect(resolver.resolve4('late.test')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    server.set('late.test', '127.0.0.2');
    await expect(resolver.resolve4('late.test')).resolves.toEqual(['127.0.0.2']);
    server.delete('late.test');
    await expect(resolver.resolve4('late.test')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    expect(() => server?.set('x.test', '10.0.0.1')).toThrow(/not a loopback/);
  });

  it('records but does not answer questions while silent, as a DNS server that is down', async () => {
    server = await startLoopbackDNSServer(['down.test']);
    server.silent = true;
    const resolver = new Resolver({ timeout: 300, tries: 1 });
    resolver.setServers([server.address]);
    await expect(resolver.resolve4('down.test')).rejects.toMatchObject({ code: 'ETIMEOUT' });
    expect(server.questions).toContain('down.test');
    expect(server.answered).toEqual([]);
    server.silent = false;
    await expect(resolver.resolve4('down.test')).resolves.toEqual(['127.0.0.1']);
    await expect(resolver.resolve4('other.test')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    expect(server.answered).toEqual(['down.test', 'other.test']);
  });

  it('can be found by its address while it runs', async () => {
    server = await startLoopbackDNSServer();
    const { address } = server;
    expect(loopbackDNSServerAt(address)).toBe(server);
    await server.close();
    server = undefined;
    expect(loopbackDNSServerAt(address)).toBeUndefined();
  });

  it('echoes the ID, the question and the recursion flag, and marks the answer authoritative', async () => {
    server = await startLoopbackDNSServer(['a.test']);
    const sent = query(0xbeef, 'a.test', 1);
    const reply = await rawExchange(server.port, sent);
    expect(reply.readUInt16BE(0)).toBe(0xbeef);
    const flags = reply.readUInt16BE(2);
    expect(flags & 0x8000).toBeTruthy();
    expect(flags & 0x0400).toBeTruthy();
    expect(flags & 0x0100).toBeTruthy();
    expect(flags & 0x000f).toBe(RCODE.noError);
    expect(reply.readUInt16BE(6)).toBe(1);
    expect(reply.subarray(12, sent.length)).toEqual(sent.subarray(12));
    expect([...reply.subarray(reply.length - 4)]).toEqual([127, 0, 0, 1]);
  });

  it('answers FORMERR to a message that is not a one-question query, and keeps serving', async () => {
    server = await startLoopbackDNSServer(['a.test']);
    const twoQuestions = query(7, 'a.test', 1);
    twoQuestions.writeUInt16BE(2, 4);
    const reply = await rawExchange(server.port, twoQuestions);
    expect(reply.readUInt16BE(0)).toBe(7);
    expect(reply.readUInt16BE(2) & 0x000f).toBe(RCODE.formatError);
    const truncated = query(8, 'a.test', 1).subarray(0, 15);
    expect((await rawExchange(server.port, truncated)).readUInt16BE(2) & 0x000f).toBe(RCODE.formatError);
    await expect(resolverFor(server).resolve4('a.test')).resolves.toEqual(['127.0.0.1']);
  });
});

describe('parseDNSQuery', () => {
  it('reads the name, type and class of the question', () => {
    expect(parseDNSQuery(query(1, 'Svc.NS.svc', 28)).question).toEqual({
      name: 'svc.ns.svc',
      type: 28,
      class: 1,
    });
  });

  it('refuses compression pointers and responses', () => {
    const pointer = query(1, 'a.test', 1);
    pointer.writeUInt8(0xc0, 12);
    expect(() => parseDNSQuery(pointer)).toThrow(/not a plain label/);
    const response = query(1, 'a.test', 1);
    response.writeUInt16BE(0x8000, 2);
    expect(() => parseDNSQuery(response)).toThrow(/is a response/);
  });
});

// A loopback TCP proxy in front of the API server that a test can sabotage: cut every open connection
// (a dropped watch), freeze them (a half-open connection that delivers nothing), or refuse new ones
// (an unreachable server). TLS passes through untouched.
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export class TCPProxy {
  private readonly server: net.Server;
  private readonly pairs = new Set<{ client: net.Socket; upstream: net.Socket }>();
  private refusing = false;

  private constructor(targetHost: string, targetPort: number) {
    this.server = net.createServer((client) => this.accept(client, targetHost, targetPort));
  }

  static async start(targetHost: string, targetPort: number): Promise<TCPProxy> {
    const proxy = new TCPProxy(targetHost, targetPort);
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get openConnections(): number {
    return this.pairs.size;
  }

  /**
   * Drops every open connection at once, as a load balancer or a network blip does. (destroy, not
   * resetAndDestroy: under jest the latter intermittently left the event loop spinning after the run.)
   */
  cutAll(): void {
    for (const { client, upstream } of this.pairs) {
      client.destroy();
      upstream.destroy();
    }
    this.pairs.clear();
  }

  /**
   * Stops delivering bytes on the open connections without closing them: whatever arrives is read and
   * dropped. (Pausing the sockets instead would leave a peer's close pending on an unread descriptor.)
   */
  freezeAll(): void {
    const discard = () => undefined;
    for (const { client, upstream } of this.pairs) {
      upstream.unpipe(client);
      client.unpipe(upstream);
      upstream.on('data', discard);
      client.on('data', discard);
    }
  }

  /** While set, new connections are closed as soon as they are accepted. */
  refuseNew(refuse: boolean): void {
    this.refusing = refuse;
  }

  async close(): Promise<void> {
    this.cutAll();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private accept(client: net.Socket, host: string, port: number): void {
    if (this.refusing) {
      client.destroy();
      return;
    }
    const upstream = net.connect(port, host);
    const pair = { client, upstream };
    this.pairs.add(pair);
    const drop = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  }
}

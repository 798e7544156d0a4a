// How each component shows it is serving. Each check resolves true or false, or throws while the component
// cannot be reached yet; the caller polls it with a deadline.
import type { AdminAPI } from './admin-api.ts';
import { requestText } from './https-request.ts';

export async function etcdIsHealthy(clientPort: number): Promise<boolean> {
  const res = await requestText(`http://127.0.0.1:${clientPort}/health`, { timeoutMs: 2_000 });
  return res.status === 200 && (JSON.parse(res.body) as { health?: string }).health === 'true';
}

export async function apiServerIsReady(api: AdminAPI): Promise<boolean> {
  const res = await api.request('GET', '/readyz');
  if (res.status !== 200) throw new Error(`/readyz answered HTTP ${res.status}: ${res.body.slice(-300)}`);
  return true;
}

/** The controller manager's and scheduler's /healthz, served with a self-signed certificate on loopback. */
export async function componentIsHealthy(securePort: number): Promise<boolean> {
  const res = await requestText(`https://127.0.0.1:${securePort}/healthz`, {
    tls: { insecure: true },
    timeoutMs: 2_000,
  });
  if (res.status !== 200) throw new Error(`/healthz answered HTTP ${res.status}: ${res.body.slice(-300)}`);
  return true;
}

interface NodeStatus {
  status?: { conditions?: { type: string; status: string }[] };
}

/** kwok's node stage has run: the fake node reports Ready. */
export async function nodeIsReady(api: AdminAPI, nodeName: string): Promise<boolean> {
  const node = (await api.getJSON(`/api/v1/nodes/${nodeName}`)) as NodeStatus | undefined;
  return node?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
}

/** The service account controller has run: namespaces get their `default` ServiceAccount. */
export async function defaultServiceAccountExists(api: AdminAPI): Promise<boolean> {
  return (await api.getJSON('/api/v1/namespaces/default/serviceaccounts/default')) !== undefined;
}

/** The fake reloaders have listed the gateway pods once. */
export async function fakeReloadersAreReady(healthPort: number): Promise<boolean> {
  const res = await requestText(`http://127.0.0.1:${healthPort}/healthz`, { timeoutMs: 2_000 });
  return res.status === 200;
}

// The webhook as the chart runs it in certManager mode (serving a mounted certificate, --cert-mode=cert-dir),
// installed under a release name and namespace other than the ones the static CRDs name: at start it
// points the CRDs' Service-based conversion at its own Service and asks cert-manager's cainjector for their
// caBundle. The CRDs are shared by every e2e file, so they are put back exactly as they were.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { API_KINDS, crdName } from '../../shared/api/kinds.ts';
import { createCertificateAuthority, createServerCertificate } from '../../shared/tls/certificates.ts';
import { freeLoopbackPorts } from '../cluster/free-ports.ts';
import { e2eKubeconfig, kubectl, waitFor } from '../setup/cluster-env.ts';
import { installCRDs } from '../setup/crds.ts';

jest.setTimeout(120_000);

const REPO = new URL('../../', import.meta.url).pathname;
const CRDS = API_KINDS.map(crdName);
const SERVICE = { namespace: 'platform-tools', name: 'gateways-ai-gateway-operator-webhook' };
const INJECT_CA_FROM = `${SERVICE.namespace}/${SERVICE.name}`;
const ANNOTATION = 'cert-manager.io/inject-ca-from';

interface CRD {
  metadata: { annotations?: Record<string, string> };
  spec: { conversion: { webhook: { clientConfig: Record<string, unknown> } } };
}

async function crd(name: string): Promise<CRD> {
  return JSON.parse(await kubectl(['get', 'crd', name, '-o', 'json'])) as CRD;
}

let workDir: string;
let webhook: ChildProcess | undefined;
let exited = false;
const original = new Map<string, CRD>();

beforeAll(async () => {
  await installCRDs();
  for (const name of CRDS) original.set(name, await crd(name));
  workDir = await mkdtemp(join(tmpdir(), 'e2e-crd-wiring-'));
  const ca = createCertificateAuthority({ commonName: 'e2e-crd-wiring-ca', validForMs: 3_600_000 });
  const serving = createServerCertificate(ca, {
    commonName: SERVICE.name,
    validForMs: 3_600_000,
    ipAddresses: ['127.0.0.1'],
  });
  await writeFile(join(workDir, 'tls.crt'), serving.certPEM);
  await writeFile(join(workDir, 'tls.key'), serving.keyPEM);
  const ports = await freeLoopbackPorts(['https', 'health'] as const);
  webhook = spawn(
    process.execPath,
    [
      join(REPO, 'webhook/main.ts'),
      `--kubeconfig=${e2eKubeconfig()}`,
      '--cert-mode=cert-dir',
      `--cert-dir=${workDir}`,
      `--service-name=${SERVICE.name}`,
      `--service-namespace=${SERVICE.namespace}`,
      '--wire-crd-conversion=true',
      `--crd-inject-ca-from=${INJECT_CA_FROM}`,
      `--crd-names=${CRDS.join(',')}`,
      '--bind-address=127.0.0.1',
      `--port=${ports.https}`,
      `--health-probe-bind-address=127.0.0.1:${ports.health}`,
    ],
    { stdio: ['ignore', 'ignore', openSync(join(workDir, 'webhook.log'), 'a')] },
  );
  webhook.once('exit', () => (exited = true));
});

afterAll(async () => {
  if (webhook && !exited) {
    const gone = new Promise((resolve) => webhook?.once('exit', resolve));
    webhook.kill('SIGTERM');
    await gone;
  }
  for (const [name, before] of original) {
    const restore = [
      {
        op: 'replace',
        path: '/spec/conversion/webhook/clientConfig',
        value: before.spec.conversion.webhook.clientConfig,
      },
    ];
    await kubectl(['patch', 'crd', name, '--type=json', '-p', JSON.stringify(restore)]);
    if (before.metadata.annotations?.[ANNOTATION] === undefined) {
      await kubectl(['annotate', 'crd', name, `${ANNOTATION}-`]);
    }
  }
  await rm(workDir, { recursive: true, force: true });
});

describe('webhook wiring the CRDs (certManager and secret modes)', () => {
  it('points their Service-based conversion at its own Service and annotates them for the cainjector', async () => {
    for (const name of CRDS) {
      expect(original.get(name)?.spec.conversion.webhook.clientConfig.service).toMatchObject({
        name: 'ai-gateway-operator-webhook',
        namespace: 'ai-gateway-operator',
      });
    }
    try {
      await waitFor(
        async () => {
          if (exited) throw new Error('the webhook exited');
          const wired = await Promise.all(CRDS.map(crd));
          return wired.every(
            (c) =>
              c.metadata.annotations?.[ANNOTATION] === INJECT_CA_FROM &&
              (c.spec.conversion.webhook.clientConfig.service as { name?: string } | undefined)?.name ===
                SERVICE.name,
          );
        },
        { description: 'both CRDs to be wired to the webhook Service', timeoutMs: 60_000 },
      );
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${await readFile(join(workDir, 'webhook.log'), 'utf8')}`, {
        cause: err,
      });
    }
    for (const name of CRDS) {
      expect((await crd(name)).spec.conversion.webhook.clientConfig.service).toEqual({
        ...SERVICE,
        path: '/convert',
        port: 443,
      });
    }
  });
});

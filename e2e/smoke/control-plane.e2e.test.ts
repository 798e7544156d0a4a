// The e2e test bed itself: a real API server at the pinned version, controllers that make Deployments
// Available on kwok's fake node, garbage collection through owner references, and the project's CRDs served.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KWOK_NODE_ANNOTATION } from '../cluster/component-commands.ts';
import { readPinnedVersions } from '../cluster/versions.ts';
import { applyYAML, E2E_TEST_TIMEOUT_MS, kubectl, waitFor } from '../setup/cluster-env.ts';

const CRDS_DIR = fileURLToPath(new URL('../../crds/', import.meta.url));
const namespace = `smoke-${randomBytes(3).toString('hex')}`;

interface Condition {
  type: string;
  status: string;
}

interface DeploymentStatus {
  status?: { conditions?: Condition[]; readyReplicas?: number; availableReplicas?: number };
}

function deploymentManifest(name: string, ownerReferences: object[] = []): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, ownerReferences },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        // kwok plays the kubelet: the image is never pulled.
        spec: { containers: [{ name: 'app', image: 'registry.invalid/smoke:1' }] },
      },
    },
  });
}

async function getJSONOrUndefined<T>(args: string[]): Promise<T | undefined> {
  try {
    return JSON.parse(await kubectl(['get', ...args, '-o', 'json'])) as T;
  } catch (err) {
    if ((err as Error).message.includes('NotFound')) return undefined;
    throw err;
  }
}

function isAvailable(deployment: DeploymentStatus | undefined): boolean {
  return (
    deployment?.status?.conditions?.some((c) => c.type === 'Available' && c.status === 'True') === true &&
    deployment.status.availableReplicas === 2
  );
}

describe('local control plane', () => {
  beforeAll(async () => {
    await kubectl(['create', 'namespace', namespace]);
  });

  afterAll(async () => {
    await kubectl(['delete', 'namespace', namespace, '--wait=false']);
  });

  test('the API server serves the pinned Kubernetes version', async () => {
    const version = JSON.parse(await kubectl(['get', '--raw', '/version'])) as { gitVersion: string };
    expect(version.gitVersion).toBe(readPinnedVersions().kubernetes);
  });

  test(
    'a Deployment becomes Available with its pods Running on the fake node',
    async () => {
      await applyYAML(deploymentManifest('web'));
      await waitFor(
        async () =>
          isAvailable(await getJSONOrUndefined<DeploymentStatus>(['deployment', 'web', '-n', namespace])),
        { description: `Deployment ${namespace}/web to be Available with 2 replicas`, timeoutMs: 90_000 },
      );
      const pods = JSON.parse(
        await kubectl(['get', 'pods', '-n', namespace, '-l', 'app=web', '-o', 'json']),
      ) as {
        items: { spec: { nodeName?: string }; status: { phase?: string; podIP?: string } }[];
      };
      expect(pods.items).toHaveLength(2);
      for (const pod of pods.items) {
        // On the fake node, or on another node a test registered for kwok to manage.
        const node = JSON.parse(await kubectl(['get', 'node', pod.spec.nodeName ?? '', '-o', 'json'])) as {
          metadata: { annotations?: Record<string, string> };
        };
        expect(node.metadata.annotations?.[KWOK_NODE_ANNOTATION.key]).toBe(KWOK_NODE_ANNOTATION.value);
        expect(pod.status.phase).toBe('Running');
        // Fake pod addresses stay on loopback, so nothing that dials one leaves the machine.
        expect(pod.status.podIP).toMatch(/^127\./);
      }
    },
    E2E_TEST_TIMEOUT_MS,
  );

  test(
    'the garbage collector deletes a Deployment whose owner is deleted',
    async () => {
      const owner = JSON.parse(
        await applyYAML(
          JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'owner', namespace } }),
          ['-o', 'json'],
        ),
      ) as { metadata: { uid: string } };
      await applyYAML(
        deploymentManifest('owned', [
          { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata.uid },
        ]),
      );
      await waitFor(
        async () =>
          isAvailable(await getJSONOrUndefined<DeploymentStatus>(['deployment', 'owned', '-n', namespace])),
        { description: `Deployment ${namespace}/owned to be Available`, timeoutMs: 90_000 },
      );

      await kubectl(['delete', 'configmap', 'owner', '-n', namespace]);

      await waitFor(
        async () => (await getJSONOrUndefined(['deployment', 'owned', '-n', namespace])) === undefined,
        { description: `Deployment ${namespace}/owned to be garbage-collected`, timeoutMs: 90_000 },
      );
      await waitFor(
        async () =>
          (await kubectl(['get', 'pods', '-n', namespace, '-l', 'app=owned', '-o', 'name'])).trim() === '',
        { description: `the pods of ${namespace}/owned to be garbage-collected`, timeoutMs: 90_000 },
      );
    },
    E2E_TEST_TIMEOUT_MS,
  );

  const crdFiles = existsSync(CRDS_DIR) ? readdirSync(CRDS_DIR).filter((file) => file.endsWith('.yaml')) : [];
  // Shown as skipped, rather than silently absent, while crds/ is still empty.
  const eachCRD = crdFiles.length > 0 ? test.each(crdFiles) : test.skip.each(['(crds/ holds no *.yaml)']);
  eachCRD(
    'CRD %s becomes Established',
    async (file) => {
      const crd = JSON.parse(
        await kubectl([
          'apply',
          '--server-side',
          '--force-conflicts',
          '-f',
          join(CRDS_DIR, file),
          '-o',
          'json',
        ]),
      ) as { metadata: { name: string } };
      await waitFor(
        async () => {
          const current = await getJSONOrUndefined<{ status?: { conditions?: Condition[] } }>([
            'crd',
            crd.metadata.name,
          ]);
          return current?.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
        },
        { description: `CRD ${crd.metadata.name} to be Established`, timeoutMs: 60_000 },
      );
      // Discovery lists the resource once its own controller has seen the CRD Established, a moment later.
      const group = crd.metadata.name.split('.').slice(1).join('.');
      const plural = crd.metadata.name.split('.')[0] ?? '';
      const resources = await waitFor(
        async () => {
          const listed = await kubectl(['api-resources', '--api-group', group]);
          return listed.includes(plural) ? listed : undefined;
        },
        { description: `discovery to list ${crd.metadata.name}`, timeoutMs: 30_000 },
      );
      expect(resources).toContain(plural);
    },
    E2E_TEST_TIMEOUT_MS,
  );
});

// What later e2e tests need from the local cluster beyond kubectl: the API server's request metrics,
// restarting the API server in place, and acting as a ServiceAccount.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { Kubectl } from '../cluster/kubectl.ts';
import {
  E2E_TEST_TIMEOUT_MS,
  e2eCluster,
  kubectl,
  kubectlPath,
  sumSamples,
  waitFor,
} from '../setup/cluster-env.ts';
import type { MetricSample } from '../setup/cluster-env.ts';

const namespace = `handle-${randomBytes(3).toString('hex')}`;

function configMapCreates(samples: MetricSample[]): number {
  return sumSamples(samples, 'apiserver_request_total', {
    verb: 'POST',
    resource: 'configmaps',
    code: '201',
  });
}

describe('local cluster handle', () => {
  beforeAll(async () => {
    await kubectl(['create', 'namespace', namespace]);
  });

  afterAll(async () => {
    await kubectl(['delete', 'namespace', namespace, '--wait=false']);
  });

  test(
    'apiserver_request_total counts writes by verb',
    async () => {
      const cluster = e2eCluster();
      const before = configMapCreates(await cluster.apiServerMetrics());
      for (const name of ['a', 'b', 'c'])
        await kubectl(['create', 'configmap', `counted-${name}`, '-n', namespace]);
      // The kube-root-ca.crt publisher may create one too in a new namespace, hence at least three.
      const after = configMapCreates(await cluster.apiServerMetrics());
      expect(after - before).toBeGreaterThanOrEqual(3);
    },
    E2E_TEST_TIMEOUT_MS,
  );

  test(
    'the API server restarts in place and keeps its data',
    async () => {
      const cluster = e2eCluster();
      await kubectl(['create', 'configmap', 'survives-restart', '-n', namespace, '--from-literal=k=v']);
      const startedBefore = sumSamples(await cluster.apiServerMetrics(), 'process_start_time_seconds');

      await cluster.restartAPIServer();

      const startedAfter = sumSamples(await cluster.apiServerMetrics(), 'process_start_time_seconds');
      expect(startedAfter).toBeGreaterThan(startedBefore);
      const value = await kubectl([
        'get',
        'configmap',
        'survives-restart',
        '-n',
        namespace,
        '-o',
        'jsonpath={.data.k}',
      ]);
      expect(value).toBe('v');
    },
    E2E_TEST_TIMEOUT_MS,
  );

  test(
    'a kubeconfig for a ServiceAccount acts as that account, with only its permissions',
    async () => {
      const cluster = e2eCluster();
      await kubectl(['create', 'serviceaccount', 'reader', '-n', namespace]);
      await kubectl([
        'create',
        'role',
        'read-configmaps',
        '-n',
        namespace,
        '--verb=get,list',
        '--resource=configmaps',
      ]);
      await kubectl([
        'create',
        'rolebinding',
        'reader-reads-configmaps',
        '-n',
        namespace,
        '--role=read-configmaps',
        `--serviceaccount=${namespace}:reader`,
      ]);
      const asReader = new Kubectl({
        kubectlPath: kubectlPath(),
        kubeconfigPath: await cluster.writeServiceAccountKubeconfig(namespace, 'reader'),
      });

      const whoami = JSON.parse(await asReader.run(['auth', 'whoami', '-o', 'json'])) as {
        status: { userInfo: { username: string } };
      };
      expect(whoami.status.userInfo.username).toBe(`system:serviceaccount:${namespace}:reader`);
      await waitFor(
        async () => (await asReader.run(['get', 'configmaps', '-o', 'name'])).includes('kube-root-ca.crt'),
        {
          description: `${namespace}/reader to list the configmaps of its namespace`,
          timeoutMs: 30_000,
        },
      );
      await expect(asReader.run(['get', 'secrets'])).rejects.toThrow(/forbidden/);
    },
    E2E_TEST_TIMEOUT_MS,
  );
});

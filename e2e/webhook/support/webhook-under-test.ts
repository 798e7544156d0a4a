// Runs the webhook as a local process against the e2e cluster, the way a Deployment would run it but on
// loopback: the CRDs' conversion and two webhook configurations point at https://127.0.0.1:PORT, and the
// webhook provisions its own certificates and injects its CA into them. stop() puts the CRDs back.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { API_KINDS } from '../../../shared/api/kinds.ts';
import { freeLoopbackPorts } from '../../cluster/free-ports.ts';
import { applyYAML, e2eKubeconfig, kubectl, waitFor } from '../../setup/cluster-env.ts';
import { installCRDs } from '../../setup/crds.ts';

const REPO = new URL('../../../', import.meta.url).pathname;

export interface WebhookUnderTest {
  readonly port: number;
  readonly healthPort: number;
  readonly namespace: string;
  readonly secretName: string;
  /** The webhook's log lines, parsed. */
  logLines(): Record<string, unknown>[];
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Admission is limited to this namespace, so other tests' objects never reach this webhook. */
  namespace: string;
  /** Names of the webhook configurations; unique per test file. */
  configurationPrefix: string;
  extraArgs?: string[];
}

interface CRDManifest {
  metadata: { name: string };
  spec: { conversion: unknown };
}

function crdManifests(): CRDManifest[] {
  const dir = join(REPO, 'crds');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => parse(readFileSync(join(dir, f), 'utf8')) as CRDManifest);
}

function webhookConfiguration(
  kind: 'Validating' | 'Mutating',
  name: string,
  port: number,
  namespace: string,
) {
  const role = kind === 'Validating' ? 'validate' : 'mutate';
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: `${kind}WebhookConfiguration`,
    metadata: { name },
    webhooks: API_KINDS.map((k) => ({
      name: `${role}.${k.plural}.${k.group}`,
      clientConfig: { url: `https://127.0.0.1:${port}/${role}/${k.plural}` },
      rules: [
        {
          apiGroups: [k.group],
          apiVersions: k.versions.map((v) => v.name),
          operations: ['CREATE', 'UPDATE'],
          resources: [k.plural],
          scope: 'Namespaced',
        },
      ],
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } },
      admissionReviewVersions: ['v1'],
      sideEffects: 'None',
      failurePolicy: 'Fail',
      matchPolicy: 'Equivalent',
      timeoutSeconds: 10,
    })),
  };
}

/** Replaces the CRD's spec.conversion: pointed at the webhook under test, and put back afterwards. */
async function setConversion(crd: CRDManifest, conversion: unknown): Promise<void> {
  await kubectl([
    'patch',
    'crd',
    crd.metadata.name,
    '--type=json',
    '-p',
    JSON.stringify([{ op: 'replace', path: '/spec/conversion', value: conversion }]),
  ]);
}

async function readyz(port: number): Promise<boolean> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200;
  } catch {
    return false;
  }
}

export async function startWebhookUnderTest(opts: StartOptions): Promise<WebhookUnderTest> {
  const ports = await freeLoopbackPorts(['https', 'health'] as const);
  const validating = `${opts.configurationPrefix}-validating`;
  const mutating = `${opts.configurationPrefix}-mutating`;
  const secretName = `${opts.configurationPrefix}-certs`;
  const crds = crdManifests();

  // Installed as crds/ has them, then only their conversion pointed here (and put back by stop()).
  await installCRDs();
  for (const crd of crds) {
    await setConversion(crd, {
      strategy: 'Webhook',
      webhook: {
        conversionReviewVersions: ['v1'],
        clientConfig: { url: `https://127.0.0.1:${ports.https}/convert` },
      },
    });
  }
  await applyYAML(
    JSON.stringify(webhookConfiguration('Validating', validating, ports.https, opts.namespace)),
  );
  await applyYAML(JSON.stringify(webhookConfiguration('Mutating', mutating, ports.https, opts.namespace)));

  const logDir = mkdtempSync(join(tmpdir(), 'e2e-webhook-'));
  const logPath = join(logDir, 'webhook.log');
  const log = openSync(logPath, 'a');
  const child: ChildProcess = spawn(
    process.execPath,
    [
      join(REPO, 'webhook/main.ts'),
      `--kubeconfig=${e2eKubeconfig()}`,
      '--cert-mode=self-managed',
      `--secret-name=${secretName}`,
      `--secret-namespace=${opts.namespace}`,
      '--service-name=ai-gateway-operator-webhook',
      `--service-namespace=${opts.namespace}`,
      '--extra-sans=127.0.0.1',
      '--bind-address=127.0.0.1',
      `--port=${ports.https}`,
      `--health-probe-bind-address=127.0.0.1:${ports.health}`,
      `--validating-webhook-configuration=${validating}`,
      `--mutating-webhook-configuration=${mutating}`,
      `--crd-names=${crds.map((c) => c.metadata.name).join(',')}`,
      '--log-level=debug',
      ...(opts.extraArgs ?? []),
    ],
    { stdio: ['ignore', log, log] },
  );
  let exited = false;
  child.once('exit', () => (exited = true));

  const logLines = () =>
    readFileSync(logPath, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);

  const stop = async () => {
    if (!exited) {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await gone;
    }
    await kubectl([
      'delete',
      'validatingwebhookconfiguration',
      validating,
      'mutatingwebhookconfiguration',
      mutating,
      '--ignore-not-found',
    ]);
    for (const crd of crds) await setConversion(crd, crd.spec.conversion);
  };

  try {
    await waitFor(async () => !exited && (await readyz(ports.health)), {
      description: `webhook on 127.0.0.1:${ports.https} to be ready (log: ${logPath})`,
      timeoutMs: 60_000,
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    port: ports.https,
    healthPort: ports.health,
    namespace: opts.namespace,
    secretName,
    logLines,
    stop,
  };
}

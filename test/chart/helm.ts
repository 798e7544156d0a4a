// Runs the helm binary the local control plane build provides (or $E2E_ASSETS / $KUBEBUILDER_ASSETS), for
// tests that render, lint or install the chart.
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { assetSearchPath } from '../../e2e/cluster/assets.ts';
import { MissingAssetError } from '../../e2e/cluster/errors.ts';
import { readPinnedVersions } from '../../e2e/cluster/versions.ts';
import type { RenderedObject } from './rendered-objects.ts';

export const CHART_DIR = resolve(
  fileURLToPath(new URL('.', import.meta.url)),
  '../../charts/ai-gateway-operator',
);

/** The Kubernetes version `helm template` renders for: the one the e2e control plane runs. */
export const KUBE_VERSION = readPinnedVersions().kubernetes;

class HelmCommandError extends Error {
  readonly args: readonly string[];
  readonly exitCode: number | null;
  readonly stderr: string;
  constructor(args: readonly string[], exitCode: number | null, stderr: string) {
    super(`helm ${args.join(' ')} exited with ${exitCode}: ${stderr.trim()}`);
    this.name = 'HelmCommandError';
    this.args = args;
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}

/** The helm binary; throws MissingAssetError saying how to get one. */
function helmBinary(env: NodeJS.ProcessEnv = process.env): string {
  const searched = assetSearchPath(readPinnedVersions(), env);
  for (const dir of searched) {
    const candidate = join(dir, 'helm');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory; try the next one
    }
  }
  throw new MissingAssetError('helm', searched);
}

export interface HelmResult {
  stdout: string;
  stderr: string;
}

/** Runs helm; rejects with HelmCommandError when it exits non-zero. */
export function runHelm(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<HelmResult> {
  const binary = helmBinary();
  return new Promise((resolvePromise, reject) => {
    execFile(
      binary,
      [...args],
      { env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
      (err, stdout, stderr) => {
        if (err) reject(new HelmCommandError(args, typeof err.code === 'number' ? err.code : null, stderr));
        else resolvePromise({ stdout, stderr });
      },
    );
  });
}

/** Runs `fn` with the values written to a file, as `helm -f` wants them. */
export async function withValuesFile<T>(values: unknown, fn: (path: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'chart-values-'));
  try {
    const path = join(dir, 'values.json');
    await writeFile(path, JSON.stringify(values));
    return await fn(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface RenderOptions {
  values?: Record<string, unknown>;
  release?: string;
  namespace?: string;
  /** e.g. monitoring.coreos.com/v1/ServiceMonitor, as if the cluster served it. */
  apiVersions?: string[];
}

/** `helm template` of the chart, parsed; rejects with HelmCommandError when helm refuses the values. */
export async function renderChart(opts: RenderOptions = {}): Promise<RenderedObject[]> {
  const stdout = await withValuesFile(opts.values ?? {}, async (valuesFile) => {
    const args = [
      'template',
      opts.release ?? 'ai-gateway-operator',
      CHART_DIR,
      '--namespace',
      opts.namespace ?? 'ai-gateway-operator',
      '--kube-version',
      KUBE_VERSION,
      '--values',
      valuesFile,
      ...(opts.apiVersions ?? []).flatMap((v) => ['--api-versions', v]),
    ];
    return (await runHelm(args)).stdout;
  });
  return parseManifests(stdout);
}

/**
 * The objects of a multi-document YAML stream; throws on a document that is not valid YAML. Read as YAML 1.1,
 * as Helm and the API server read manifests: `defaultMode: 0440` is octal there (288), not 440.
 */
function parseManifests(text: string): RenderedObject[] {
  return parseAllDocuments(text, { version: '1.1' })
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`rendered YAML is invalid: ${doc.errors[0]?.message}`);
      return doc.toJS() as RenderedObject | null;
    })
    .filter((obj): obj is RenderedObject => obj !== null);
}

/** What helm says when it refuses to render the chart with `opts`; throws when it renders. */
export async function renderRefusal(opts: RenderOptions): Promise<string> {
  try {
    await renderChart(opts);
  } catch (err) {
    if (err instanceof HelmCommandError) return err.stderr;
    throw err;
  }
  throw new Error(`helm accepted ${JSON.stringify(opts)}`);
}

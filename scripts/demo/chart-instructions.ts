// What the chart tells whoever installs it, read back from its output: NOTES.txt's command line for a
// webhook run outside the cluster and its patches pointing the CRDs' conversion at it, and the
// controller's arguments from the installed manifest. The demo runs exactly these, so it shows the
// chart's instructions at work.
import { parseAllDocuments } from 'yaml';

export class ChartOutputError extends Error {
  /** What was looked for. */
  readonly expected: string;
  /** Where: NOTES.txt or the release manifest. */
  readonly source: string;
  constructor(expected: string, source: string, text: string) {
    super(`the chart's ${source} has no ${expected}; it said:\n${text}`);
    this.name = 'ChartOutputError';
    this.expected = expected;
    this.source = source;
  }
}

/** A process's script (relative to the repository) and its flags. */
export interface ProcessCommand {
  script: string;
  flags: string[];
}

export interface CRDPatch {
  crd: string;
  /** The JSON merge patch, as NOTES.txt quotes it. */
  patch: string;
}

const WEBHOOK_COMMAND = /^\s*node (dist\/webhook\/main\.js .*) --kubeconfig=<that kubeconfig>$/m;
const CRD_PATCH = /^\s*kubectl patch crd (\S+) --type=merge -p '(\{.*\})'$/gm;

/** The webhook's script and flags, from `node dist/webhook/main.js ... --kubeconfig=<that kubeconfig>`. */
export function webhookCommandFromNotes(notes: string): ProcessCommand {
  const command = WEBHOOK_COMMAND.exec(notes)?.[1];
  if (!command) throw new ChartOutputError('command line for the webhook', 'NOTES.txt', notes);
  const [script, ...flags] = command.split(' ');
  return { script: script!, flags };
}

export function crdPatchesFromNotes(notes: string): CRDPatch[] {
  const patches = [...notes.matchAll(CRD_PATCH)].map((m) => ({ crd: m[1]!, patch: m[2]! }));
  if (patches.length === 0) throw new ChartOutputError('kubectl patch crd lines', 'NOTES.txt', notes);
  return patches;
}

interface ManifestDeployment {
  kind?: string;
  metadata?: { name?: string };
  spec?: { template?: { spec?: { containers?: { args?: string[] }[] } } };
}

/** The script and flags of the first container of Deployment `name` in a `helm get manifest` output. */
export function deploymentCommandFromManifest(manifest: string, name: string): ProcessCommand {
  const deployment = parseAllDocuments(manifest)
    .map((doc) => doc.toJS() as ManifestDeployment | null)
    .find((object) => object?.kind === 'Deployment' && object.metadata?.name === name);
  const [script, ...flags] = deployment?.spec?.template?.spec?.containers?.[0]?.args ?? [];
  if (script === undefined) {
    throw new ChartOutputError(`Deployment ${name} with container args`, 'manifest', manifest);
  }
  return { script, flags };
}

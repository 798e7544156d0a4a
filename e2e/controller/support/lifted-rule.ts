// Plays a cluster whose CRD predates one of its CEL rules: the rule is lifted from the installed CRD for
// one write, then crds/ is installed again. What the write stored stays stored, as an object written
// before an upgrade added the rule would.
import { APIError } from '../../../shared/kube/api-error.ts';
import { kubectl, waitFor } from '../../setup/cluster-env.ts';
import { installCRDs } from '../../setup/crds.ts';

interface CRDVersion {
  schema: {
    openAPIV3Schema: { properties: { spec: { 'x-kubernetes-validations'?: { message?: string }[] } } };
  };
}

class RuleNotFoundError extends Error {
  readonly crd: string;
  readonly ruleMessage: string;
  constructor(crd: string, ruleMessage: string) {
    super(`CRD ${crd} has no spec-level CEL rule with the message "${ruleMessage}"`);
    this.name = 'RuleNotFoundError';
    this.crd = crd;
    this.ruleMessage = ruleMessage;
  }
}

/** Runs `write` (retried until the API server serves the lifted schema) while the rule is lifted. */
export async function withoutCRDRule(
  crd: string,
  ruleMessage: string,
  write: () => Promise<void>,
): Promise<void> {
  const versions = (
    JSON.parse(await kubectl(['get', 'crd', crd, '-o', 'json'])) as { spec: { versions: CRDVersion[] } }
  ).spec.versions;
  const removals = versions.flatMap((version, i) => {
    const rules = version.schema.openAPIV3Schema.properties.spec['x-kubernetes-validations'] ?? [];
    const at = rules.findIndex((rule) => rule.message === ruleMessage);
    const path = `/spec/versions/${i}/schema/openAPIV3Schema/properties/spec/x-kubernetes-validations/${at}`;
    return at < 0 ? [] : [{ op: 'remove', path }];
  });
  if (removals.length === 0) throw new RuleNotFoundError(crd, ruleMessage);
  await kubectl(['patch', 'crd', crd, '--type=json', '-p', JSON.stringify(removals)]);
  try {
    // The API server takes a moment to serve a changed CRD's schema.
    await waitFor(
      async () => {
        try {
          await write();
          return true;
        } catch (err) {
          if (err instanceof APIError && err.status === 422) return false;
          throw err;
        }
      },
      { description: `a write without the rule "${ruleMessage}"`, timeoutMs: 30_000, intervalMs: 250 },
    );
  } finally {
    await installCRDs();
  }
}

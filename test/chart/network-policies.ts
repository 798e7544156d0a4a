// NetworkPolicies as the chart renders them and the chart README shows them, and label selectors read as
// the API server reads them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { CHART_DIR } from './helm.ts';
import type { RenderedObject } from './rendered-objects.ts';

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export interface Peer {
  ipBlock?: { cidr: string; except?: string[] };
  namespaceSelector?: LabelSelector;
  podSelector?: LabelSelector;
}

interface PolicyPort {
  port?: number | string;
  protocol?: string;
}

export interface Rule {
  from?: Peer[];
  to?: Peer[];
  ports?: PolicyPort[];
}

export type NetworkPolicy = RenderedObject & {
  spec: {
    podSelector: LabelSelector;
    policyTypes: string[];
    ingress?: Rule[];
    egress?: Rule[];
  };
};

/** Whether a selector selects an object with these labels, as the API server reads it; none selects none. */
export function selects(selector: LabelSelector | undefined, labels: Record<string, string>): boolean {
  if (!selector) return false;
  return (
    Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v) &&
    (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
      switch (operator) {
        case 'In':
          return key in labels && values.includes(labels[key]!);
        case 'NotIn':
          return !(key in labels) || !values.includes(labels[key]!);
        case 'Exists':
          return key in labels;
        case 'DoesNotExist':
          return !(key in labels);
        default:
          throw new Error(`unknown operator ${operator}`);
      }
    })
  );
}

/** The selector in kubectl's `-l` syntax; empty selects everything. */
export function selectorArgument(selector: LabelSelector): string {
  return [
    ...Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`),
    ...(selector.matchExpressions ?? []).map(({ key, operator, values = [] }) => {
      switch (operator) {
        case 'In':
          return `${key} in (${values.join(',')})`;
        case 'NotIn':
          return `${key} notin (${values.join(',')})`;
        case 'Exists':
          return key;
        case 'DoesNotExist':
          return `!${key}`;
        default:
          throw new Error(`unknown operator ${operator}`);
      }
    }),
  ].join(',');
}

/** The NetworkPolicies of the chart README's section on the gateway and model pods. */
export function readmeNetworkPolicies(): NetworkPolicy[] {
  const readme = readFileSync(join(CHART_DIR, 'README.md'), 'utf8');
  const section = /^### The gateway and model pods$([\s\S]*?)^## /m.exec(readme)?.[1] ?? '';
  return [...section.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)]
    .flatMap((m) => parseAllDocuments(m[1]!).map((d) => d.toJS() as RenderedObject | null))
    .filter((o): o is NetworkPolicy => o?.kind === 'NetworkPolicy');
}

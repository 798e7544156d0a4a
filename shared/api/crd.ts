// Renders a kind into its CustomResourceDefinition: structural schemas with descriptions, the status
// subresource, printer columns, and conversion through the webhook.
import type { APIKind } from './kinds.ts';
import { crdName } from './kinds.ts';

export interface ConversionServiceRef {
  name: string;
  namespace: string;
  path: string;
  port: number;
}

/** Where the CRDs point the API server for conversion until the webhook injects its own address. */
const DEFAULT_CONVERSION_SERVICE: ConversionServiceRef = {
  name: 'ai-gateway-operator-webhook',
  namespace: 'ai-gateway-operator',
  path: '/convert',
  port: 443,
};

export function renderCRD(k: APIKind, service: ConversionServiceRef = DEFAULT_CONVERSION_SERVICE): object {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: crdName(k),
      labels: { 'app.kubernetes.io/part-of': 'ai-gateway-operator' },
    },
    spec: {
      group: k.group,
      names: {
        kind: k.kind,
        listKind: k.listKind,
        plural: k.plural,
        singular: k.singular,
        shortNames: k.shortNames,
        categories: ['ai-gateway'],
      },
      scope: 'Namespaced',
      versions: k.versions.map((v) => ({
        name: v.name,
        served: true,
        storage: v.storage,
        ...(v.deprecationWarning ? { deprecated: true, deprecationWarning: v.deprecationWarning } : {}),
        schema: { openAPIV3Schema: v.schema },
        subresources: { status: {} },
        additionalPrinterColumns: v.printerColumns,
      })),
      conversion: {
        strategy: 'Webhook',
        webhook: {
          conversionReviewVersions: ['v1'],
          clientConfig: { service },
        },
      },
    },
  };
}

// The two kinds this operator serves, each with its versions' schemas. The CRDs, the webhook's
// validation and conversion all start from here.
import { apiGatewayRouteV1Schema } from './apigatewayroute/v1.ts';
import { apiGatewayRouteV1alpha1Schema } from './apigatewayroute/v1alpha1.ts';
import { aiModelV1Schema } from './aimodel/v1.ts';
import { aiModelV1alpha1Schema } from './aimodel/v1alpha1.ts';
import type { JSONSchema } from './schema/json-schema.ts';
import { parseAPIVersion } from '../kube/resource.ts';

interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  jsonPath: string;
  description?: string;
  priority?: number;
}

export interface KindVersion {
  name: 'v1' | 'v1alpha1';
  schema: JSONSchema;
  storage: boolean;
  deprecationWarning?: string;
  printerColumns: PrinterColumn[];
}

export interface APIKind {
  group: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  /** The conversion hub and storage version. */
  hubVersion: 'v1';
  versions: KindVersion[];
}

const readyColumn: PrinterColumn = {
  name: 'Ready',
  type: 'string',
  jsonPath: '.status.conditions[?(@.type=="Ready")].status',
};
const ageColumn: PrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };

export const API_GATEWAY_ROUTE: APIKind = {
  group: 'gateway.example.com',
  kind: 'APIGatewayRoute',
  listKind: 'APIGatewayRouteList',
  plural: 'apigatewayroutes',
  singular: 'apigatewayroute',
  shortNames: ['agr'],
  hubVersion: 'v1',
  versions: [
    {
      name: 'v1',
      schema: apiGatewayRouteV1Schema,
      storage: true,
      printerColumns: [
        { name: 'Path', type: 'string', jsonPath: '.spec.path' },
        { name: 'Method', type: 'string', jsonPath: '.spec.method' },
        { name: 'Destination', type: 'string', jsonPath: '.spec.destinationService' },
        { name: 'State', type: 'string', jsonPath: '.status.state' },
        readyColumn,
        ageColumn,
      ],
    },
    {
      name: 'v1alpha1',
      schema: apiGatewayRouteV1alpha1Schema,
      storage: false,
      deprecationWarning:
        'gateway.example.com/v1alpha1 APIGatewayRoute is deprecated; use gateway.example.com/v1',
      printerColumns: [
        { name: 'Path', type: 'string', jsonPath: '.spec.path' },
        { name: 'Target', type: 'string', jsonPath: '.spec.targetService' },
        { name: 'State', type: 'string', jsonPath: '.status.state' },
        readyColumn,
        ageColumn,
      ],
    },
  ],
};

export const AI_MODEL: APIKind = {
  group: 'ai.example.com',
  kind: 'AIModel',
  listKind: 'AIModelList',
  plural: 'aimodels',
  singular: 'aimodel',
  shortNames: ['aim'],
  hubVersion: 'v1',
  versions: [
    {
      name: 'v1',
      schema: aiModelV1Schema,
      storage: true,
      printerColumns: [
        { name: 'ModelName', type: 'string', jsonPath: '.spec.modelName' },
        { name: 'Provider', type: 'string', jsonPath: '.spec.modelProvider' },
        { name: 'Version', type: 'string', jsonPath: '.spec.modelVersion' },
        { name: 'Type', type: 'string', jsonPath: '.spec.modelType' },
        { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
        readyColumn,
        ageColumn,
      ],
    },
    {
      name: 'v1alpha1',
      schema: aiModelV1alpha1Schema,
      storage: false,
      deprecationWarning: 'ai.example.com/v1alpha1 AIModel is deprecated; use ai.example.com/v1',
      printerColumns: [
        { name: 'ModelName', type: 'string', jsonPath: '.spec.modelName' },
        { name: 'Provider', type: 'string', jsonPath: '.spec.modelProvider' },
        { name: 'Version', type: 'string', jsonPath: '.spec.version' },
        { name: 'State', type: 'string', jsonPath: '.status.state' },
        ageColumn,
      ],
    },
  ],
};

export const API_KINDS: readonly APIKind[] = [API_GATEWAY_ROUTE, AI_MODEL];

function findKind(group: string, kind: string): APIKind | undefined {
  return API_KINDS.find((k) => k.group === group && k.kind === kind);
}

export function crdName(k: APIKind): string {
  return `${k.plural}.${k.group}`;
}

export function findKindVersion(
  apiVersion: string,
  kind: string,
): { kind: APIKind; version: KindVersion } | undefined {
  const { group, version } = parseAPIVersion(apiVersion);
  const k = findKind(group, kind);
  const v = k?.versions.find((x) => x.name === version);
  return k && v ? { kind: k, version: v } : undefined;
}

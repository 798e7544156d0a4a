// Field mappings between APIGatewayRoute v1alpha1 and v1 (the hub).
//   v1alpha1 targetService "host[:port]"  <-> v1 destinationService + destinationPort (80 when omitted)
//   v1alpha1 modelName (no targetService) <-> v1 aiModelRef.name
//   v1alpha1 authentication               <-> v1 authenticationRequired
//   v1alpha1 rateLimit.requestsPerMinute  <-> v1 rateLimit (per second, rounded up)
//   v1 method is ANY for a v1alpha1 route, which matched every method.
import type { KubeObject } from '../kube/meta-v1-types.ts';
import { isPlainObject, type JSONObject } from '../util/json.ts';
import { definedFields } from './defined-fields.ts';
import type { MappedContent, VersionPair } from './version-pair.ts';

const DEFAULT_TARGET_PORT = 80;

function sections(
  source: KubeObject,
  warnings: string[],
): { spec: JSONObject; status: JSONObject | undefined } {
  const spec = isPlainObject(source.spec) ? source.spec : {};
  if (source.spec !== undefined && !isPlainObject(source.spec))
    warnings.push('spec: not an object; treated as empty');
  let status: JSONObject | undefined;
  if (isPlainObject(source.status)) status = { ...source.status };
  else if (source.status !== undefined) {
    warnings.push('status: not an object; dropped');
    status = {};
  }
  return { spec, status };
}

function parseTargetService(target: string, warnings: string[]): { host: string; port: number } {
  const match = /^(.*?)(?::(\d+))?$/.exec(target);
  const host = match?.[1] ?? target;
  const portText = match?.[2];
  if (portText === undefined) return { host, port: DEFAULT_TARGET_PORT };
  const port = Number(portText);
  if (port < 1 || port > 65535) {
    warnings.push(
      `spec.targetService: port ${portText} is not between 1 and 65535; using ${DEFAULT_TARGET_PORT}`,
    );
    return { host, port: DEFAULT_TARGET_PORT };
  }
  return { host, port };
}

function toHub(source: KubeObject): MappedContent {
  const warnings: string[] = [];
  const { spec: s, status } = sections(source, warnings);
  const spec: JSONObject = { path: s.path, method: 'ANY' };
  if (typeof s.targetService === 'string') {
    const { host, port } = parseTargetService(s.targetService, warnings);
    spec.destinationService = host;
    spec.destinationPort = port;
  } else if (typeof s.modelName === 'string') {
    spec.aiModelRef = { name: s.modelName };
  }
  if (s.authentication !== undefined) spec.authenticationRequired = s.authentication;
  const rateLimit = isPlainObject(s.rateLimit) ? s.rateLimit.requestsPerMinute : undefined;
  if (typeof rateLimit === 'number') spec.rateLimit = Math.ceil(rateLimit / 60);
  return { spec: definedFields(spec), status, warnings };
}

function fromHub(source: KubeObject): MappedContent {
  const warnings: string[] = [];
  const { spec: s, status } = sections(source, warnings);
  const spec: JSONObject = { path: s.path };
  if (typeof s.destinationService === 'string') {
    spec.targetService =
      typeof s.destinationPort === 'number'
        ? `${s.destinationService}:${s.destinationPort}`
        : s.destinationService;
  }
  if (isPlainObject(s.aiModelRef) && typeof s.aiModelRef.name === 'string')
    spec.modelName = s.aiModelRef.name;
  if (s.authenticationRequired !== undefined) spec.authentication = s.authenticationRequired;
  if (typeof s.rateLimit === 'number') spec.rateLimit = { requestsPerMinute: s.rateLimit * 60 };
  return { spec: definedFields(spec), status, warnings };
}

export const apiGatewayRouteVersions: VersionPair = {
  group: 'gateway.example.com',
  kind: 'APIGatewayRoute',
  hubVersion: 'v1',
  spokeVersion: 'v1alpha1',
  toHub,
  fromHub,
  spokeFields: {
    'spec.path': 'spec.path',
    'spec.destinationService': 'spec.targetService',
    'spec.destinationPort': 'spec.targetService',
    'spec.aiModelRef.name': 'spec.modelName',
    'spec.authenticationRequired': 'spec.authentication',
    'spec.rateLimit': 'spec.rateLimit.requestsPerMinute',
    status: 'status',
  },
};

// The checks of one served version on an object written in it: its schema, then its rules the schema
// cannot say, each error once.
import type { KubeObject } from '../kube/meta-v1-types.ts';
import type { FieldError } from './field-error.ts';
import {
  modelV1Rules,
  modelV1alpha1Rules,
  routeV1Rules,
  routeV1alpha1Rules,
  type RuleFindings,
} from './rules.ts';
import { schemaErrors } from './schema-validator.ts';

const RULES: Record<string, (o: KubeObject) => RuleFindings> = {
  'gateway.example.com/v1/APIGatewayRoute': routeV1Rules,
  'gateway.example.com/v1alpha1/APIGatewayRoute': routeV1alpha1Rules,
  'ai.example.com/v1/AIModel': modelV1Rules,
  'ai.example.com/v1alpha1/AIModel': modelV1alpha1Rules,
};

/** Schema errors and rule findings of `object` in its own version (which must be served). */
export function versionFindings(object: KubeObject): RuleFindings {
  const errors: FieldError[] = schemaErrors(object) ?? [];
  const findings = RULES[`${object.apiVersion}/${object.kind}`]?.(object) ?? { errors: [], warnings: [] };
  const seen = new Set(errors.map((e) => `${e.field}\u0000${e.detail}`));
  return {
    errors: [...errors, ...findings.errors.filter((e) => !seen.has(`${e.field}\u0000${e.detail}`))],
    warnings: findings.warnings,
  };
}

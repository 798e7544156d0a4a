// Building blocks for the API schemas. Every field gets a description and bounds, so the CRDs are
// self-documenting (`kubectl explain`) and CEL cost estimates stay within the API server's budget.
import type { CelRule, JSONSchema } from './json-schema.ts';

type Extra = Omit<JSONSchema, 'type' | 'description'>;

export function stringField(description: string, extra: Extra & { maxLength: number }): JSONSchema {
  return { type: 'string', description, ...extra };
}

export function integerField(
  description: string,
  extra: Extra & { minimum: number; maximum: number },
): JSONSchema {
  return { type: 'integer', description, ...extra };
}

export function booleanField(description: string, extra: Extra = {}): JSONSchema {
  return { type: 'boolean', description, ...extra };
}

export function enumField(description: string, values: readonly string[], extra: Extra = {}): JSONSchema {
  return { type: 'string', description, enum: values, ...extra };
}

export function objectField(
  description: string,
  properties: Record<string, JSONSchema>,
  extra: Extra = {},
): JSONSchema {
  return { type: 'object', description, properties, ...extra };
}

export function arrayField(
  description: string,
  items: JSONSchema,
  extra: Extra & { maxItems: number },
): JSONSchema {
  return { type: 'array', description, items, ...extra };
}

export function cel(rule: string, message: string, extra: Omit<CelRule, 'rule' | 'message'> = {}): CelRule {
  return { rule, message, ...extra };
}

/** RFC 1123 DNS label: what Kubernetes accepts as a Service or namespace name. */
export const DNS_LABEL_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
/** RFC 1123 DNS subdomain: what Kubernetes accepts as most object names. */
export const DNS_SUBDOMAIN_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
/** A hostname as Gateway API accepts it, with an optional leading `*.` wildcard label. */
export const HOSTNAME_PATTERN = '^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
/** resource.Quantity's canonical grammar, as controller-gen writes it. */
export const QUANTITY_PATTERN =
  '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$';

export function nameReference(description: string, what: string): JSONSchema {
  return objectField(
    description,
    {
      name: stringField(`Name of the ${what} in the same namespace.`, {
        minLength: 1,
        maxLength: 253,
        pattern: DNS_SUBDOMAIN_PATTERN,
      }),
    },
    { required: ['name'] },
  );
}

export function quantityField(description: string): JSONSchema {
  return {
    description,
    anyOf: [{ type: 'integer' }, { type: 'string' }],
    pattern: QUANTITY_PATTERN,
    'x-kubernetes-int-or-string': true,
  };
}

export function observedGenerationField(): JSONSchema {
  return integerField('The .metadata.generation that this status was computed from.', {
    minimum: 0,
    maximum: Number.MAX_SAFE_INTEGER,
    format: 'int64',
  });
}

/** metav1.Condition, with the bounds and patterns apimachinery gives it. */
export function conditionsField(description: string): JSONSchema {
  const condition = objectField(
    'Condition contains details for one aspect of the current state of this API resource.',
    {
      type: stringField('Type of condition in CamelCase, e.g. Ready.', {
        minLength: 1,
        maxLength: 316,
        pattern:
          '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$',
      }),
      status: enumField('Status of the condition: True, False or Unknown.', ['True', 'False', 'Unknown']),
      observedGeneration: integerField('The .metadata.generation the condition was set from.', {
        minimum: 0,
        maximum: Number.MAX_SAFE_INTEGER,
        format: 'int64',
      }),
      lastTransitionTime: stringField('Last time the condition changed from one status to another.', {
        format: 'date-time',
        maxLength: 64,
      }),
      reason: stringField('Programmatic identifier, in CamelCase, of the reason for the last transition.', {
        minLength: 1,
        maxLength: 1024,
        pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$',
      }),
      message: stringField('Human-readable message about the transition.', { maxLength: 32768 }),
    },
    { required: ['type', 'status', 'lastTransitionTime', 'reason', 'message'] },
  );
  return arrayField(description, condition, {
    maxItems: 16,
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': ['type'],
  });
}

/** The envelope every kind shares; `spec` and `status` are the kind's own. */
export function objectRootSchema(
  description: string,
  spec: JSONSchema,
  status: JSONSchema,
  extra: Pick<JSONSchema, 'required' | 'x-kubernetes-validations'> = {},
): JSONSchema {
  return {
    type: 'object',
    description,
    properties: {
      apiVersion: {
        type: 'string',
        description: 'Versioned schema of this representation of the object.',
      },
      kind: { type: 'string', description: 'REST resource this object represents.' },
      metadata: { type: 'object' },
      spec,
      status,
    },
    ...extra,
  };
}

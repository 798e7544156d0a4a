// A small stand-in for the shared domain rules, so the handlers are tested on their own: a few real-looking
// rules for each kind, and the real conversion and error wording.
import type { KubeObject } from '../../shared/kube/meta-v1-types.ts';
import { convertObject } from '../../shared/conversion/convert.ts';
import { formatFieldError } from '../../shared/validation/field-error.ts';
import type {
  FieldError,
  ObjectReference,
  ValidationResult,
  WebhookDomain,
} from '../domain/webhook-domain.ts';

type Loose = {
  apiVersion?: string;
  kind?: string;
  metadata?: { namespace?: string };
  spec?: Record<string, unknown>;
};

export const fakeDomain: WebhookDomain = {
  validateObject(obj): ValidationResult {
    const o = obj as Loose;
    const errors: FieldError[] = [];
    const warnings: string[] = [];
    if (o.kind === 'APIGatewayRoute' && o.apiVersion === 'gateway.example.com/v1') {
      const port = o.spec?.destinationPort;
      if (typeof port === 'number' && (port < 1 || port > 65535)) {
        errors.push({
          field: 'spec.destinationPort',
          type: 'Invalid',
          badValue: port,
          detail: 'must be between 1 and 65535',
        });
      }
      if (o.spec?.path === undefined) errors.push({ field: 'spec.path', type: 'Required', detail: '' });
      if (o.spec?.rateLimit === 0) warnings.push('spec.rateLimit: 0 means no limit');
    }
    return { errors, warnings };
  },
  validateCreate(obj): ValidationResult {
    return fakeDomain.validateObject(obj);
  },
  validateUpdate(newObj, oldObj): ValidationResult {
    const n = newObj as Loose;
    const o = oldObj as Loose;
    const { errors, warnings } = fakeDomain.validateObject(newObj);
    if (n.kind === 'AIModel' && n.spec?.modelName !== o.spec?.modelName) {
      errors.push({
        field: 'spec.modelName',
        type: 'Invalid',
        badValue: n.spec?.modelName,
        detail: 'field is immutable',
      });
    }
    return { errors, warnings };
  },
  formatFieldError,
  applyDefaults<T>(obj: T): T {
    const o = structuredClone(obj) as Loose;
    if (o.kind === 'APIGatewayRoute' && o.apiVersion === 'gateway.example.com/v1' && o.spec) {
      o.spec.gateway ??= 'default';
      o.spec.pathMatch ??= 'PathPrefix';
    }
    return o as T;
  },
  convertObject: (obj: KubeObject, desiredAPIVersion: string) => convertObject(obj, desiredAPIVersion),
  referencedObjects(obj): ObjectReference[] {
    const o = obj as Loose;
    const service = o.spec?.destinationService;
    if (o.kind !== 'APIGatewayRoute' || typeof service !== 'string') return [];
    return [
      {
        kind: 'Service',
        namespace: o.metadata?.namespace ?? '',
        name: service,
        field: 'spec.destinationService',
      },
    ];
  },
};

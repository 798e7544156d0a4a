import { describe, expect, it } from '@jest/globals';
import { AI_MODEL, API_GATEWAY_ROUTE } from '../../shared/api/kinds.ts';
import type { KubeObject } from '../../shared/kube/meta-v1-types.ts';
import { convertObject } from '../../shared/conversion/convert.ts';
import { fakeDomain } from '../testdata/fake-domain.ts';
import { loadFixture } from '../testdata/load-fixture.ts';
import type { ObjectReference } from '../domain/webhook-domain.ts';
import type { ReferenceChecker } from '../references/reference-checker.ts';
import { missingReferenceWarning } from '../references/reference-checker.ts';
import { parseAdmissionReview } from './admission-review.ts';
import { AdmissionTargetError } from './admission-target.ts';
import { validateAdmission } from './validate-admission.ts';

function referencesMissing(...names: string[]): ReferenceChecker & { asked: ObjectReference[] } {
  const asked: ObjectReference[] = [];
  return {
    asked,
    check(refs) {
      asked.push(...refs);
      return Promise.resolve(refs.filter((r) => names.includes(r.name)).map(missingReferenceWarning));
    },
  };
}

function request(fixture: string, edit?: (req: Record<string, unknown>) => void) {
  const body = loadFixture(fixture);
  edit?.(body.request as Record<string, unknown>);
  return parseAdmissionReview(body);
}

describe('validateAdmission', () => {
  it('allows a valid object', async () => {
    const res = await validateAdmission(request('admission-create-route-valid.json'), API_GATEWAY_ROUTE, {
      domain: fakeDomain,
      references: referencesMissing(),
    });
    expect(res).toEqual({ uid: '0b1a4c8e-0001-4d6f-8d3c-6f1b2a3c4d01', allowed: true });
  });

  it('rejects an invalid field in the API server wording, with causes', async () => {
    const res = await validateAdmission(
      request('admission-create-route-invalid-port.json'),
      API_GATEWAY_ROUTE,
      {
        domain: fakeDomain,
        references: referencesMissing(),
      },
    );
    expect(res.allowed).toBe(false);
    expect(res.status).toEqual({
      code: 422,
      reason: 'Invalid',
      message:
        'APIGatewayRoute.gateway.example.com "orders" is invalid: spec.destinationPort: Invalid value: 70000: must be between 1 and 65535',
      details: {
        name: 'orders',
        group: 'gateway.example.com',
        kind: 'APIGatewayRoute',
        causes: [
          {
            field: 'spec.destinationPort',
            reason: 'FieldValueInvalid',
            message: 'Invalid value: 70000: must be between 1 and 65535',
          },
        ],
      },
    });
  });

  it('lists several errors in brackets', async () => {
    const req = request('admission-create-route-invalid-port.json', (r) => {
      delete ((r.object as Record<string, unknown>).spec as Record<string, unknown>).path;
    });
    const res = await validateAdmission(req, API_GATEWAY_ROUTE, {
      domain: fakeDomain,
      references: referencesMissing(),
    });
    expect(res.status?.message).toBe(
      'APIGatewayRoute.gateway.example.com "orders" is invalid: [spec.destinationPort: Invalid value: 70000: must be between 1 and 65535, spec.path: Required value]',
    );
    expect(res.status?.details?.causes.map((c) => c.reason)).toEqual([
      'FieldValueInvalid',
      'FieldValueRequired',
    ]);
  });

  it('warns, without rejecting, about a referenced Service that does not exist', async () => {
    const references = referencesMissing('orders');
    const res = await validateAdmission(request('admission-create-route-valid.json'), API_GATEWAY_ROUTE, {
      domain: fakeDomain,
      references,
    });
    expect(res.allowed).toBe(true);
    expect(res.warnings).toEqual([
      'spec.destinationService: Service "orders" not found in namespace "default"; the object is accepted and will be used once it exists',
    ]);
    expect(references.asked).toEqual([
      { kind: 'Service', namespace: 'default', name: 'orders', field: 'spec.destinationService' },
    ]);
  });

  it('passes the domain warnings on and fills the namespace from the request', async () => {
    const req = request('admission-create-route-valid.json', (r) => {
      const obj = r.object as { metadata: Record<string, unknown>; spec: Record<string, unknown> };
      delete obj.metadata.namespace;
      obj.spec.rateLimit = 0;
      r.namespace = 'shop';
    });
    const references = referencesMissing();
    const res = await validateAdmission(req, API_GATEWAY_ROUTE, { domain: fakeDomain, references });
    expect(res.warnings).toEqual(['spec.rateLimit: 0 means no limit']);
    expect(references.asked[0]?.namespace).toBe('shop');
  });

  it('rejects a change to an immutable field on UPDATE', async () => {
    const res = await validateAdmission(request('admission-update-model-rename.json'), AI_MODEL, {
      domain: fakeDomain,
      references: referencesMissing(),
    });
    expect(res.allowed).toBe(false);
    expect(res.status?.message).toBe(
      'AIModel.ai.example.com "gemma" is invalid: spec.modelName: Invalid value: "gemma-7b": field is immutable',
    );
  });

  it('judges a CREATE by the create rules and an UPDATE by the update rules, against the old object', async () => {
    const calls: unknown[][] = [];
    const record =
      (rules: string) =>
      (...objects: unknown[]) => {
        calls.push([rules, ...objects]);
        return { errors: [], warnings: [] };
      };
    const domain = { ...fakeDomain, validateCreate: record('create'), validateUpdate: record('update') };
    const deps = { domain, references: referencesMissing() };
    const create = request('admission-create-route-valid.json');
    const update = request('admission-update-model-rename.json');
    await validateAdmission(create, API_GATEWAY_ROUTE, deps);
    await validateAdmission(update, AI_MODEL, deps);
    expect(calls).toEqual([
      ['create', create.object],
      ['update', update.object, update.oldObject],
    ]);
  });

  it('judges a request the API server converted (matchPolicy Equivalent) in the version it was written', async () => {
    const written: KubeObject = {
      apiVersion: 'ai.example.com/v1alpha1',
      kind: 'AIModel',
      metadata: { name: 'm', namespace: 'default' },
      spec: { modelName: 'm', modelProvider: 'x', version: '1', endpoint: 'm.example.com:80' },
    };
    const seen: unknown[] = [];
    const domain = {
      ...fakeDomain,
      validateUpdate: (...objects: unknown[]) => {
        seen.push(...objects);
        return { errors: [], warnings: [] };
      },
    };
    const req = request('admission-update-model-rename.json', (r) => {
      r.requestKind = { group: 'ai.example.com', version: 'v1alpha1', kind: 'AIModel' };
      r.object = convertObject(written, 'ai.example.com/v1').object;
      r.oldObject = r.object;
    });
    await validateAdmission(req, AI_MODEL, { domain, references: referencesMissing() });
    expect(seen).toEqual([written, written]);
  });

  it('looks references up only when the object is in the namespace of the request', async () => {
    const references = referencesMissing();
    const elsewhere = request('admission-create-route-valid.json', (r) => (r.namespace = 'other'));
    await validateAdmission(elsewhere, API_GATEWAY_ROUTE, { domain: fakeDomain, references });
    expect(references.asked).toEqual([]);
    const foreign = {
      ...fakeDomain,
      referencedObjects: (): ObjectReference[] => [
        { kind: 'Service', namespace: 'kube-system', name: 'x', field: 'spec.destinationService' },
      ],
    };
    await validateAdmission(request('admission-create-route-valid.json'), API_GATEWAY_ROUTE, {
      domain: foreign,
      references,
    });
    expect(references.asked).toEqual([]);
  });

  it('judges a changed spec on UPDATE', async () => {
    const req = request('admission-create-route-invalid-port.json', (r) => {
      r.operation = 'UPDATE';
      r.oldObject = structuredClone(r.object);
      ((r.oldObject as Record<string, unknown>).spec as Record<string, unknown>).destinationPort = 80;
    });
    const res = await validateAdmission(req, API_GATEWAY_ROUTE, {
      domain: fakeDomain,
      references: referencesMissing(),
    });
    expect(res.allowed).toBe(false);
  });

  it('answers a dry run exactly like the real request', async () => {
    const dry = request('admission-create-route-invalid-port.json', (r) => (r.dryRun = true));
    const real = request('admission-create-route-invalid-port.json');
    const deps = { domain: fakeDomain, references: referencesMissing() };
    expect(await validateAdmission(dry, API_GATEWAY_ROUTE, deps)).toEqual(
      await validateAdmission(real, API_GATEWAY_ROUTE, deps),
    );
  });

  it('validates the deprecated version too', async () => {
    const res = await validateAdmission(request('admission-create-route-v1alpha1.json'), API_GATEWAY_ROUTE, {
      domain: fakeDomain,
      references: referencesMissing(),
    });
    expect(res.allowed).toBe(true);
  });

  it('allows DELETE without looking at the object', async () => {
    const references = referencesMissing('orders');
    const res = await validateAdmission(request('admission-delete-route.json'), API_GATEWAY_ROUTE, {
      domain: fakeDomain,
      references,
    });
    expect(res).toEqual({ uid: '0b1a4c8e-0005-4d6f-8d3c-6f1b2a3c4d05', allowed: true });
    expect(references.asked).toEqual([]);
  });

  it('refuses a kind it does not handle, naming what it handles', async () => {
    const deps = { domain: fakeDomain, references: referencesMissing() };
    await expect(
      validateAdmission(request('admission-create-route-valid.json'), AI_MODEL, deps),
    ).rejects.toThrow(
      new AdmissionTargetError(
        'request.kind: Unsupported value: "gateway.example.com/v1, Kind=APIGatewayRoute": this endpoint handles AIModel.ai.example.com in versions v1, v1alpha1; check the webhook configuration\'s rules',
        '0b1a4c8e-0001-4d6f-8d3c-6f1b2a3c4d01',
      ),
    );
    const v2 = request(
      'admission-create-route-valid.json',
      (r) => ((r.kind as Record<string, unknown>).version = 'v2'),
    );
    await expect(validateAdmission(v2, API_GATEWAY_ROUTE, deps)).rejects.toThrow('Unsupported value');
  });

  it('refuses an object that does not match request.kind or is missing', async () => {
    const deps = { domain: fakeDomain, references: referencesMissing() };
    const mismatch = request('admission-create-route-valid.json', (r) => {
      (r.object as Record<string, unknown>).apiVersion = 'gateway.example.com/v1alpha1';
    });
    await expect(validateAdmission(mismatch, API_GATEWAY_ROUTE, deps)).rejects.toThrow(
      'request.object: Invalid value: "gateway.example.com/v1alpha1, Kind=APIGatewayRoute": must match request.kind',
    );
    const missing = request('admission-create-route-valid.json', (r) => (r.object = 'text'));
    await expect(validateAdmission(missing, API_GATEWAY_ROUTE, deps)).rejects.toThrow(
      'request.object: Required value',
    );
    const noOld = request('admission-update-model-rename.json', (r) => (r.oldObject = null));
    await expect(validateAdmission(noOld, AI_MODEL, deps)).rejects.toThrow(
      'request.oldObject: Required value',
    );
  });
});

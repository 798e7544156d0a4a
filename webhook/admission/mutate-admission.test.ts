import { describe, expect, it } from '@jest/globals';
import { API_GATEWAY_ROUTE } from '../../shared/api/kinds.ts';
import { fakeDomain } from '../testdata/fake-domain.ts';
import { loadFixture } from '../testdata/load-fixture.ts';
import { parseAdmissionReview } from './admission-review.ts';
import { mutateAdmission } from './mutate-admission.ts';

function request(fixture: string, edit?: (req: Record<string, unknown>) => void) {
  const body = loadFixture(fixture);
  edit?.(body.request as Record<string, unknown>);
  return parseAdmissionReview(body);
}

function decodePatch(patch: string | undefined): unknown {
  return JSON.parse(Buffer.from(patch ?? '', 'base64').toString('utf8'));
}

describe('mutateAdmission', () => {
  it('answers the missing defaults as a base64 JSON Patch', () => {
    const res = mutateAdmission(request('admission-create-route-valid.json'), API_GATEWAY_ROUTE, {
      domain: fakeDomain,
    });
    expect(res.allowed).toBe(true);
    expect(res.patchType).toBe('JSONPatch');
    expect(decodePatch(res.patch)).toEqual([
      { op: 'add', path: '/spec/gateway', value: 'default' },
      { op: 'add', path: '/spec/pathMatch', value: 'PathPrefix' },
    ]);
  });

  it('touches only missing fields', () => {
    const req = request('admission-create-route-valid.json', (r) => {
      ((r.object as Record<string, unknown>).spec as Record<string, unknown>).gateway = 'edge';
    });
    const res = mutateAdmission(req, API_GATEWAY_ROUTE, { domain: fakeDomain });
    expect(decodePatch(res.patch)).toEqual([{ op: 'add', path: '/spec/pathMatch', value: 'PathPrefix' }]);
  });

  it('answers no patch for an object that already has its defaults (idempotent)', () => {
    const req = request('admission-create-route-valid.json', (r) => {
      const spec = (r.object as Record<string, unknown>).spec as Record<string, unknown>;
      spec.gateway = 'default';
      spec.pathMatch = 'PathPrefix';
    });
    const res = mutateAdmission(req, API_GATEWAY_ROUTE, { domain: fakeDomain });
    expect(res).toEqual({ uid: '0b1a4c8e-0001-4d6f-8d3c-6f1b2a3c4d01', allowed: true });
  });

  it('does not patch a DELETE', () => {
    const res = mutateAdmission(request('admission-delete-route.json'), API_GATEWAY_ROUTE, {
      domain: fakeDomain,
    });
    expect(res).toEqual({ uid: '0b1a4c8e-0005-4d6f-8d3c-6f1b2a3c4d05', allowed: true });
  });

  it('patches the object as sent, without the namespace the request supplies', () => {
    const req = request('admission-create-route-valid.json', (r) => {
      delete ((r.object as Record<string, unknown>).metadata as Record<string, unknown>).namespace;
    });
    const ops = decodePatch(mutateAdmission(req, API_GATEWAY_ROUTE, { domain: fakeDomain }).patch) as {
      path: string;
    }[];
    expect(ops.map((o) => o.path)).toEqual(['/spec/gateway', '/spec/pathMatch']);
  });
});

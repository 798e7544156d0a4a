import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../kube/meta-v1-types.ts';
import { convertObject } from './convert.ts';
import { hubFieldOrigin } from './field-origin.ts';

const route: KubeObject = {
  apiVersion: 'gateway.example.com/v1alpha1',
  kind: 'APIGatewayRoute',
  metadata: {
    name: 'r',
    annotations: { 'gateway.example.com/v1-fields': '{"spec":{"hosts":["a.example.com"],"method":"GET"}}' },
  },
  spec: { path: '/a', targetService: 'svc:8080', rateLimit: { requestsPerMinute: 120 } },
};
const hub = convertObject(route, 'gateway.example.com/v1').object;
const origin = (field: string) => hubFieldOrigin(route, hub, field);

describe('hubFieldOrigin', () => {
  it('maps a v1 field the v1alpha1 spec set back to its v1alpha1 field', () => {
    expect(origin('spec.destinationPort')).toEqual({ source: 'field', field: 'spec.targetService' });
    expect(origin('spec.rateLimit')).toEqual({ source: 'field', field: 'spec.rateLimit.requestsPerMinute' });
    expect(origin('metadata.name')).toEqual({ source: 'field', field: 'metadata.name' });
    expect(origin('spec')).toEqual({ source: 'field', field: 'spec' });
  });

  it('names the annotation for a value it supplied, even where conversion sets a default', () => {
    expect(origin('spec.hosts[0]')).toEqual({
      source: 'annotation',
      annotation: 'gateway.example.com/v1-fields',
    });
    expect(origin('spec.method')).toEqual({
      source: 'annotation',
      annotation: 'gateway.example.com/v1-fields',
    });
  });

  it('says when conversion itself set the value', () => {
    const plain = { ...route, metadata: { name: 'r' } };
    expect(
      hubFieldOrigin(plain, convertObject(plain, 'gateway.example.com/v1').object, 'spec.method'),
    ).toEqual({
      source: 'conversion',
    });
  });
});

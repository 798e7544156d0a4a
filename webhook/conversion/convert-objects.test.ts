import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../shared/kube/meta-v1-types.ts';
import { fakeDomain } from '../testdata/fake-domain.ts';
import { loadFixture } from '../testdata/load-fixture.ts';
import { conversionReview, conversionReviewJSON, parseConversionReview } from './conversion-review.ts';
import { convertObjects } from './convert-objects.ts';

describe('convertObjects', () => {
  it('converts a batch of mixed versions, in order', () => {
    const req = parseConversionReview(loadFixture('conversion-routes-mixed-to-v1.json'));
    const { response } = convertObjects(req, { domain: fakeDomain });
    expect(response.result).toEqual({ status: 'Success' });
    expect(response.uid).toBe('7c9e6679-7425-40de-944b-e07fc1f90ae7');
    const objects = response.convertedObjects as KubeObject[];
    expect(objects.map((o) => [o.apiVersion, o.metadata.name])).toEqual([
      ['gateway.example.com/v1', 'orders'],
      ['gateway.example.com/v1', 'legacy'],
    ]);
    expect(objects[1]?.spec).toMatchObject({
      path: '/legacy',
      destinationService: 'legacy',
      destinationPort: 9090,
    });
  });

  it('keeps every metadata field but labels and annotations from the source', () => {
    const domain = {
      convertObject: (obj: KubeObject, desiredAPIVersion: string) => ({
        object: {
          ...obj,
          apiVersion: desiredAPIVersion,
          metadata: { name: 'renamed', labels: { converted: 'yes' }, annotations: { a: 'b' } },
        },
        warnings: ['lost a field'],
      }),
    };
    const req = parseConversionReview(loadFixture('conversion-routes-mixed-to-v1.json'));
    const { response, warnings } = convertObjects(req, { domain });
    const first = (response.convertedObjects as KubeObject[])[0];
    expect(first?.metadata).toMatchObject({
      name: 'orders',
      namespace: 'default',
      uid: 'a1',
      resourceVersion: '10',
      generation: 3,
      labels: { converted: 'yes' },
      annotations: { a: 'b' },
    });
    expect(warnings[0]).toBe(
      'request.objects[0] (gateway.example.com/v1, Kind=APIGatewayRoute default/orders): lost a field',
    );
  });

  it('fails the review with a message for an unknown version', () => {
    const req = parseConversionReview(loadFixture('conversion-routes-unknown-version.json'));
    const { response } = convertObjects(req, { domain: fakeDomain });
    expect(response.convertedObjects).toEqual([]);
    expect(response.result.status).toBe('Failure');
    expect(response.result).toMatchObject({
      message: expect.stringContaining(
        'converting request.objects[0] (gateway.example.com/v1, Kind=APIGatewayRoute default/orders) to gateway.example.com/v2: ',
      ),
    });
  });

  it('fails the review for an object that is not a Kubernetes object', () => {
    const req = { uid: 'u', desiredAPIVersion: 'gateway.example.com/v1', objects: [42] };
    expect(convertObjects(req, { domain: fakeDomain }).response.result).toEqual({
      status: 'Failure',
      message:
        'converting request.objects[0] to gateway.example.com/v1: Invalid value: must be an object with apiVersion, kind and metadata',
    });
  });

  it('keeps a fault inside the webhook out of the answer, for the log only', () => {
    const req = parseConversionReview(loadFixture('conversion-routes-unknown-version.json'));
    const fault = new TypeError("Cannot read properties of undefined (reading 'spec') at /srv/app/x.ts");
    const broken = {
      convertObject: () => {
        throw fault;
      },
    };
    const { response, internalError } = convertObjects(req, { domain: broken });
    expect(response.result).toEqual({
      status: 'Failure',
      message: `converting request.objects[0] (gateway.example.com/v1, Kind=APIGatewayRoute default/orders) to gateway.example.com/v2: internal error; the webhook's log has it under uid ${req.uid}`,
    });
    expect(internalError).toBe(fault);
  });

  it('answers an empty batch with an empty list', () => {
    const req = { uid: 'u', desiredAPIVersion: 'ai.example.com/v1', objects: [] };
    expect(convertObjects(req, { domain: fakeDomain }).response).toEqual({
      uid: 'u',
      convertedObjects: [],
      result: { status: 'Success' },
    });
  });
});

describe('parseConversionReview', () => {
  it.each([
    [[], 'body: Invalid value'],
    [
      { apiVersion: 'apiextensions.k8s.io/v1beta1', kind: 'ConversionReview' },
      'apiVersion/kind: Unsupported value',
    ],
    [{ apiVersion: 'apiextensions.k8s.io/v1', kind: 'ConversionReview' }, 'request: Required value'],
    [
      {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'ConversionReview',
        request: { desiredAPIVersion: 'a/b', objects: [] },
      },
      'request.uid: Required value',
    ],
    [
      { apiVersion: 'apiextensions.k8s.io/v1', kind: 'ConversionReview', request: { uid: 'u', objects: [] } },
      'request.desiredAPIVersion: Required value',
    ],
    [
      {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'ConversionReview',
        request: { uid: 'u', desiredAPIVersion: 'a/b', objects: {} },
      },
      'request.objects: Required value',
    ],
  ])('refuses %j', (body, message) => {
    expect(() => parseConversionReview(body)).toThrow(message);
  });
});

describe('conversionReviewJSON', () => {
  const converted = convertObjects(parseConversionReview(loadFixture('conversion-routes-mixed-to-v1.json')), {
    domain: fakeDomain,
  }).response;
  it.each([
    ['a converted batch', converted],
    ['an empty batch', { uid: 'u', convertedObjects: [], result: { status: 'Success' as const } }],
    [
      'a failure',
      {
        uid: 'u"\\',
        convertedObjects: [],
        result: { status: 'Failure' as const, message: 'no "way" \u2028' },
      },
    ],
    [
      'text beyond ASCII and elements JSON has no value for',
      {
        uid: 'ü',
        convertedObjects: [{ note: 'Zürich → 東京 🚀 \ud800' }, undefined, () => 1, null, 1],
        result: { status: 'Success' as const },
      },
    ],
  ])('writes %s byte for byte as JSON.stringify does', (_what, response) => {
    expect(
      conversionReviewJSON(response).equals(Buffer.from(JSON.stringify(conversionReview(response)))),
    ).toBe(true);
  });
});

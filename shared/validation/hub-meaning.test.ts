import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../kube/meta-v1-types.ts';
import { formatFieldError } from './field-error.ts';
import { validateObject } from './validate.ts';

const model = (
  spec: Record<string, unknown>,
  name = 'm',
  annotations?: Record<string, string>,
): KubeObject => ({
  apiVersion: 'ai.example.com/v1alpha1',
  kind: 'AIModel',
  metadata: { name, namespace: 'default', ...(annotations ? { annotations } : {}) },
  spec: { modelName: 'gemma', modelProvider: 'openai', version: '1', endpoint: 'gemma:8080', ...spec },
});

const messages = (object: KubeObject) => validateObject(object).errors.map(formatFieldError);

describe('a v1alpha1 object judged by its v1 meaning', () => {
  it('names the v1alpha1 field a v1 error comes from', () => {
    expect(messages(model({ accessPolicies: ['team-a', ''] }))).toEqual([
      'spec.accessPolicies[1]: Invalid value: "": must not be empty (in ai.example.com/v1 spec.accessPolicies[1])',
    ]);
    expect(messages(model({ resourceRequests: { cpu: 'lots' } }))).toEqual([
      expect.stringMatching(
        /^spec\.resourceRequests\.cpu: Invalid value: "lots": .* \(in ai\.example\.com\/v1 spec\.resources\.requests\.cpu\)$/,
      ),
    ]);
    expect(messages(model({}, 'm'.repeat(57)))).toEqual([
      expect.stringMatching(/^metadata\.name: Invalid value: "m+": must be at most 56 characters/),
    ]);
  });

  it('names the annotation for a v1 field only the annotation sets', () => {
    const annotations = {
      'ai.example.com/v1-fields': JSON.stringify({
        spec: { image: 'i:1', env: [{ name: '1A', value: 'x' }] },
      }),
    };
    expect(messages(model({}, 'm', annotations))).toEqual([
      expect.stringMatching(
        /^metadata\.annotations\[ai\.example\.com\/v1-fields\]: Invalid value: "1A": .* \(in ai\.example\.com\/v1 spec\.env\[0\]\.name\)$/,
      ),
    ]);
  });

  it('accepts a v1alpha1 object whose v1 meaning is valid', () => {
    expect(validateObject(model({ resourceRequests: { cpu: '500m', memory: '1Gi' } })).errors).toEqual([]);
  });
});

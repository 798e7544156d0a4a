import { describe, expect, it } from '@jest/globals';
import { parseModelEndpoint } from './endpoint.ts';

describe('parseModelEndpoint', () => {
  it.each([
    'https://api.openai.com/v1',
    'http://models.ml.svc.cluster.local:8000',
    'https://API.Example.com/v1/',
    'http://10.0.0.5:8000/v1',
    'https://[fd00::1]/',
  ])('accepts %s', (endpoint) => {
    expect(parseModelEndpoint(endpoint)).toEqual({ url: new URL(endpoint) });
  });

  it.each([
    ['api.openai.com/v1', 'must be an absolute http or https URL'],
    ['ftp://files.example.com', 'must be an http or https URL, not ftp'],
    ['https://user:pw@api.example.com/v1', 'must not carry credentials'],
    ['https://api.example.com/v1?api-version=2024', 'must not have a query or fragment'],
    ['https://api.example.com/v1#x', 'must not have a query or fragment'],
    ['https://my_model.corp.example/v1', 'must have a host that is a DNS name'],
  ])('refuses %s', (endpoint, problem) => {
    expect(parseModelEndpoint(endpoint)).toEqual({ problem: expect.stringContaining(problem) });
  });
});

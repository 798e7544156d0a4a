import { describe, expect, it } from '@jest/globals';
import {
  PROVIDER_CREDENTIALS_SECRET_LABEL,
  PROVIDER_CREDENTIALS_SECRET_TYPE,
} from '../../shared/api/aimodel/v1.ts';
import { credentialsProblem, holdsProviderCredentials } from './provider-credentials.ts';
import type { ReadSecret } from './secret-marking.ts';

const KEY = 'sk-provider-key-value';
const REF = { name: 'openai', key: 'api-key' };

function secret(fields: { type?: string; labels?: Record<string, string>; data?: Record<string, string> }) {
  const data = fields.data ?? { 'api-key': Buffer.from(KEY).toString('base64') };
  return { metadata: { name: 'openai', labels: fields.labels }, type: fields.type, data } as ReadSecret;
}

const marked = (data?: Record<string, string>) => secret({ type: PROVIDER_CREDENTIALS_SECRET_TYPE, data });

describe('credentialsProblem', () => {
  it('finds none for a marked Secret, by type or label, with a value at the key', () => {
    expect(credentialsProblem(REF, 'ml', marked())).toBeUndefined();
    const labelled = secret({ type: 'Opaque', labels: { [PROVIDER_CREDENTIALS_SECRET_LABEL]: 'true' } });
    expect(credentialsProblem(REF, 'ml', labelled)).toBeUndefined();
    expect(holdsProviderCredentials(labelled)).toBe(true);
  });

  it('names the missing Secret, its namespace and key', () => {
    expect(credentialsProblem(REF, 'ml', undefined)).toEqual({
      reason: 'CredentialsNotFound',
      message:
        'Secret openai not found in namespace ml; gateways answer requests for the model 503 until it exists with the key api-key',
    });
  });

  it('names a missing or empty key, never a value', () => {
    const other = marked({ other: Buffer.from(KEY).toString('base64') });
    expect(credentialsProblem(REF, 'ml', other)).toEqual({
      reason: 'CredentialsNotFound',
      message: 'Secret openai has no key api-key; gateways answer requests for the model 503 until it has',
    });
    for (const value of ['', Buffer.from(' \n').toString('base64')]) {
      const problem = credentialsProblem(
        REF,
        'ml',
        marked({ 'api-key': value, other: Buffer.from(KEY).toString('base64') }),
      );
      expect(problem).toMatchObject({ reason: 'CredentialsNotFound' });
      expect(problem?.message).toContain('Secret openai: key api-key is empty');
      expect(problem?.message).not.toContain(KEY);
    }
  });

  it('refuses an unmarked Secret before looking at its keys, and says how to mark it', () => {
    for (const unmarked of [
      secret({ type: 'Opaque' }),
      secret({}),
      secret({ type: 'Opaque', labels: { [PROVIDER_CREDENTIALS_SECRET_LABEL]: 'false' } }),
      secret({ type: 'gateway.example.com/api-key' }),
      secret({ type: 'Opaque', data: {} }),
    ]) {
      const problem = credentialsProblem(REF, 'ml', unmarked);
      expect(problem?.reason).toBe('CredentialsRefused');
      expect(problem?.message).toContain('Secret openai is not marked to hold provider credentials');
      expect(problem?.message).toContain(`type ${PROVIDER_CREDENTIALS_SECRET_TYPE}`);
      expect(problem?.message).toContain(`${PROVIDER_CREDENTIALS_SECRET_LABEL}="true"`);
      expect(holdsProviderCredentials(unmarked)).toBe(false);
    }
  });

  it('never accepts a service-account token Secret, even labelled', () => {
    const token = secret({
      type: 'kubernetes.io/service-account-token',
      labels: { [PROVIDER_CREDENTIALS_SECRET_LABEL]: 'true' },
    });
    expect(credentialsProblem(REF, 'ml', token)).toEqual({
      reason: 'CredentialsRefused',
      message: expect.stringContaining('Secret openai is a service-account token'),
    });
    expect(holdsProviderCredentials(token)).toBe(false);
  });
});

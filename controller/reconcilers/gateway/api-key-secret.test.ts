import { describe, expect, it } from '@jest/globals';
import {
  API_KEY_SECRET_LABEL,
  API_KEY_SECRET_TYPE,
  keySecretVerdict,
  shortKeysMessage,
} from './api-key-secret.ts';
import type { KeySecret } from './api-key-secret.ts';

const LONG = 'k'.repeat(16);

function secret(fields: Partial<KeySecret> & { labels?: Record<string, string> }): KeySecret {
  const data = { team: Buffer.from(LONG).toString('base64') };
  return { metadata: { name: 'keys', labels: fields.labels }, type: fields.type, data: fields.data ?? data };
}

describe('keySecretVerdict', () => {
  it('accepts a Secret of the API-key type or labelled for keys', () => {
    expect(keySecretVerdict(secret({ type: API_KEY_SECRET_TYPE }))).toEqual({ usable: true, shortKeys: [] });
    expect(keySecretVerdict(secret({ type: 'Opaque', labels: { [API_KEY_SECRET_LABEL]: 'true' } }))).toEqual({
      usable: true,
      shortKeys: [],
    });
  });

  it('refuses an unmarked Secret, naming it and how to mark it', () => {
    for (const unmarked of [
      secret({ type: 'Opaque' }),
      secret({}),
      secret({ type: 'Opaque', labels: { [API_KEY_SECRET_LABEL]: 'false' } }),
    ]) {
      const verdict = keySecretVerdict(unmarked);
      expect(verdict.usable).toBe(false);
      if (!verdict.usable) {
        expect(verdict.message).toContain('Secret keys is not marked');
        expect(verdict.message).toContain(API_KEY_SECRET_TYPE);
        expect(verdict.message).toContain(`${API_KEY_SECRET_LABEL}="true"`);
      }
    }
  });

  it('never accepts a service-account token Secret, even labelled', () => {
    const verdict = keySecretVerdict(
      secret({ type: 'kubernetes.io/service-account-token', labels: { [API_KEY_SECRET_LABEL]: 'true' } }),
    );
    expect(verdict).toEqual({ usable: false, message: expect.stringContaining('service-account token') });
  });

  it('names the data keys of values shorter than 16 characters once trimmed, never the values', () => {
    const data = {
      long: Buffer.from(LONG).toString('base64'),
      short: Buffer.from('short-key-15-ch').toString('base64'),
      padded: Buffer.from(`${'p'.repeat(15)}\n`).toString('base64'),
      empty: '',
    };
    const verdict = keySecretVerdict(secret({ type: API_KEY_SECRET_TYPE, data }));
    expect(verdict).toEqual({ usable: true, shortKeys: ['empty', 'padded', 'short'] });
    const message = shortKeysMessage('keys', ['empty', 'padded', 'short']);
    expect(message).toBe('Secret keys: empty, padded, short ignored, shorter than 16 characters');
    expect(message).not.toContain('short-key-15-ch');
  });
});

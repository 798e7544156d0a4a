// How a running nginx tells which configuration it loaded: the rendered configuration answers
// `GET /.gateway/config` from loopback with its own hash. nginx keeps its old configuration when it
// refuses a new one, so after a reload the gateway pod's reloader asks this location whether the new one
// took. A hash cannot cover the text it is written in: it is computed with zeros in its place.
import { block, directive, type NginxNode } from './nginx-config-text.ts';
import { quotedLiteral, quotedTemplate } from './nginx-syntax.ts';

export const CONFIG_STATUS_PATH = '/.gateway/config';

const UNSET_HASH = '0'.repeat(64);

/**
 * `return 200 '{"configHash":"…"}';`. No value from a route can produce this text: route values are
 * written double-quoted with `"` escaped, so `{"` never follows a single quote outside the renderer's own
 * templates, which name no configHash elsewhere.
 */
function hashAnswer(hash: string): string {
  return `return 200 ${quotedTemplate(JSON.stringify({ configHash: hash }))};`;
}

const HASH_ANSWER = /return 200 '\{"configHash":"([0-9a-f]{64})"\}';/;

class ConfigHashSlotError extends Error {
  constructor() {
    super('the configuration has no configuration status location to write its hash into');
    this.name = 'ConfigHashSlotError';
  }
}

/** The location, in the gateway's server, answering with the hash written in by `withConfigHash`. */
export function configStatusLocation(): NginxNode {
  return block(
    'location',
    ['=', quotedLiteral(CONFIG_STATUS_PATH)],
    [
      directive('access_log', 'off'),
      // Only the pod itself asks; clients have no use for it.
      directive('allow', '127.0.0.1'),
      directive('allow', '::1'),
      directive('deny', 'all'),
      directive('return', 200, quotedTemplate(JSON.stringify({ configHash: UNSET_HASH }))),
    ],
  );
}

/** The configuration text with `hash` in place of the zeros its status location was rendered with. */
export function withConfigHash(config: string, hash: string): string {
  const slot = hashAnswer(UNSET_HASH);
  if (!config.includes(slot)) throw new ConfigHashSlotError();
  return config.replace(slot, hashAnswer(hash));
}

/** The hash a configuration's status location answers with; undefined for text without one. */
export function configHashInText(config: string): string | undefined {
  return HASH_ANSWER.exec(config)?.[1];
}

/** The hash in an answer of the status location; undefined for anything else. */
export function configHashInAnswer(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { configHash?: unknown };
    return typeof parsed.configHash === 'string' && /^[0-9a-f]{64}$/.test(parsed.configHash)
      ? parsed.configHash
      : undefined;
  } catch {
    return undefined;
  }
}

// The component versions pinned in versions.env, the one place build.sh and the tests read them from.
import { readFileSync } from 'node:fs';

export interface PinnedVersions {
  kubernetes: string;
  etcd: string;
  kwok: string;
  helm: string;
}

const VERSIONS_FILE = new URL('./versions.env', import.meta.url);

const KEYS: Record<keyof PinnedVersions, string> = {
  kubernetes: 'KUBERNETES_VERSION',
  etcd: 'ETCD_VERSION',
  kwok: 'KWOK_VERSION',
  helm: 'HELM_VERSION',
};

/** Parses `KEY=VALUE` lines (comments and blank lines ignored), as bash's `source` reads them here. */
function parseVersionsEnv(text: string): PinnedVersions {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^\s*([A-Z_]+)=(\S+)\s*$/.exec(line);
    if (match?.[1] && match[2]) values.set(match[1], match[2]);
  }
  const entries = Object.entries(KEYS).map(([field, key]) => {
    const value = values.get(key);
    if (!value) throw new Error(`versions.env: ${key} is missing; expected a line like ${key}=v1.2.3`);
    return [field, value];
  });
  return Object.fromEntries(entries) as PinnedVersions;
}

export function readPinnedVersions(): PinnedVersions {
  return parseVersionsEnv(readFileSync(VERSIONS_FILE, 'utf8'));
}

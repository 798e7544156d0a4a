// The gateway configuration the kubelet has mounted now. A ConfigMap volume keeps each version in a
// timestamped directory and points `..data` at the current one, swapping the link in one rename; the
// files nginx reads are links through `..data`. Reading through the directory `..data` names at one
// moment gives one version, never a mix, and its name changes exactly when the content does.
import { readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { configHashInText } from '../shared/gateway/config-status.ts';
import { GATEWAY_CONFIG_FILE } from '../shared/gateway/render-gateway-config.ts';
import { errorMessage } from '../shared/util/error-message.ts';

const DATA_LINK = '..data';

export interface MountedConfig {
  /** The timestamped directory `..data` points at. */
  version: string;
  /** The hash the configuration's status location will answer once nginx runs it. */
  hash: string;
}

export class MountedConfigError extends Error {
  readonly directory: string;
  constructor(directory: string, problem: string) {
    super(`mounted configuration ${directory}: ${problem}`);
    this.name = 'MountedConfigError';
    this.directory = directory;
  }
}

/** The version `..data` points at now; throws MountedConfigError when there is none. */
export async function mountedVersion(directory: string): Promise<string> {
  try {
    return await readlink(join(directory, DATA_LINK));
  } catch (err) {
    throw new MountedConfigError(
      directory,
      `no ${DATA_LINK} link, not a ConfigMap volume: ${errorMessage(err)}`,
    );
  }
}

/** The version mounted now and its hash; throws MountedConfigError. */
export async function readMountedConfig(directory: string): Promise<MountedConfig> {
  const version = await mountedVersion(directory);
  let text: string;
  try {
    text = await readFile(join(directory, version, GATEWAY_CONFIG_FILE), 'utf8');
  } catch (err) {
    throw new MountedConfigError(directory, `cannot read ${GATEWAY_CONFIG_FILE}: ${errorMessage(err)}`);
  }
  const hash = configHashInText(text);
  if (hash === undefined) {
    throw new MountedConfigError(directory, `${GATEWAY_CONFIG_FILE} has no configuration status location`);
  }
  return { version, hash };
}

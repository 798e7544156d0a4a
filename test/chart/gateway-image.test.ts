// The chart's default gateway image is the nginx line that every gateway test runs: the minor of the nginx
// pinned in scripts/nginx/versions.env, in the unprivileged official image, which loads njs from where the
// renderer looks for it by default.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { DEFAULT_MODULES_DIRECTORY } from '../../shared/gateway/gateway-options.ts';
import { pinnedNginx } from '../nginx/nginx-binary.ts';
import { CHART_DIR } from './helm.ts';

const values = parse(readFileSync(join(CHART_DIR, 'values.yaml'), 'utf8')) as { gateway: { image: string } };

describe("the chart's default gateway image", () => {
  it('is nginx-unprivileged at the minor of the nginx the gateway tests run', () => {
    const minor = /^\d+\.\d+/.exec(pinnedNginx().nginxVersion)?.[0];
    expect(values.gateway.image).toBe(`nginxinc/nginx-unprivileged:${minor}`);
  });

  it('keeps the njs module where the renderer loads it from when no modules directory is given', () => {
    // The official images install nginx.org's nginx-module-njs; /etc/nginx/modules links to its directory.
    expect(DEFAULT_MODULES_DIRECTORY).toBe('/etc/nginx/modules');
  });
});

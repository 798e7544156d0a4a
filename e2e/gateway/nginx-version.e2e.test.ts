// The gateway tests run the nginx and njs pinned in scripts/nginx/versions.env, the line the chart's
// gateway image ships, and not whatever nginx the machine has: the running nginx and its njs module
// report the pinned versions.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { freeLoopbackPort } from '../../test/nginx/free-port.ts';
import { sendRequest } from '../../test/nginx/http-request.ts';
import { njsModulesDirectory, pinnedNginx } from '../../test/nginx/nginx-binary.ts';
import {
  createNginxWorkspace,
  removeNginxWorkspace,
  startNginx,
  type NginxWorkspace,
  type RunningNginx,
} from '../../test/nginx/nginx-process.ts';

let workspace: NginxWorkspace;
let nginx: RunningNginx;
let port: number;

beforeAll(async () => {
  workspace = await createNginxWorkspace();
  port = await freeLoopbackPort();
  const run = workspace.runtimeDirectory;
  const config = `
load_module ${njsModulesDirectory()}/ngx_http_js_module.so;
pid ${run}/nginx.pid;
events {}
http {
  access_log off;
  ${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((k) => `${k}_temp_path ${run}/${k};`).join('\n  ')}
  js_import versions from versions.js;
  server {
    listen 127.0.0.1:${port};
    location / { js_content versions.report; }
  }
}
`;
  const script = `function report(r) { r.return(200, ngx.version + ' ' + njs.version); }
export default { report };
`;
  nginx = await startNginx(workspace, { config, files: { 'versions.js': script } }, port);
}, 30_000);

afterAll(async () => {
  await nginx?.stop();
  if (workspace) await removeNginxWorkspace(workspace);
});

describe('the nginx the gateway tests run', () => {
  it('is the pinned nginx with the pinned njs', async () => {
    const { nginxVersion, njsVersion } = pinnedNginx();
    const answer = await sendRequest(port, '/');
    expect(answer.status).toBe(200);
    expect(answer.body).toBe(`${nginxVersion} ${njsVersion}`);
  });
});

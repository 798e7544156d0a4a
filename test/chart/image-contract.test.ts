// The chart runs `node <script>` in the image; the image holds what `npm run build` compiles. This checks
// the three agree: each script the chart names is compiled from a source the build includes, and the
// Dockerfile copies every source directory and the build's output.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { RELOADER_SCRIPT } from '../../controller/children/gateway/gateway-pod.ts';
import { renderChart } from './helm.ts';
import type { Deployment } from './rendered-objects.ts';
import { objectsOfKind } from './rendered-objects.ts';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

interface BuildConfig {
  compilerOptions?: { outDir?: string };
  include: string[];
  exclude?: string[];
}

const build = JSON.parse(read('tsconfig.build.json')) as BuildConfig;
const outDir = (JSON.parse(read('tsconfig.json')) as BuildConfig).compilerOptions?.outDir;
const dockerfile = read('Dockerfile');
const dockerignore = read('.dockerignore');

/** `dist/controller/main.js` → `controller/main.ts`: tsc keeps the layout under rootDir ".". */
function sourceOf(script: string): string {
  return script.replace(new RegExp(`^${outDir}/`), '').replace(/\.js$/, '.ts');
}

describe('the image and the chart', () => {
  it('run scripts that the build compiles', async () => {
    const scripts = objectsOfKind<Deployment>(await renderChart(), 'Deployment').map(
      (d) => d.spec.template.spec.containers[0]?.args?.[0] ?? '',
    );
    expect(scripts.sort()).toEqual(['dist/controller/main.js', 'dist/webhook/main.js']);
    // The controller runs the third in every gateway pod, from the same image.
    for (const script of [...scripts, RELOADER_SCRIPT]) {
      const source = sourceOf(script);
      expect(existsSync(join(ROOT, source))).toBe(true);
      expect(build.include).toContain(source.split('/')[0]);
    }
  });

  it('are built from every directory the build compiles, and ship its output', () => {
    for (const dir of build.include) {
      expect(dockerfile).toContain(`COPY ${dir} ./${dir}`);
      expect(dockerignore.split('\n')).toContain(`!${dir}`);
    }
    for (const file of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json']) {
      expect(dockerignore.split('\n')).toContain(`!${file}`);
    }
    expect(dockerfile).toContain('RUN node_modules/.bin/tsc -p tsconfig.build.json && npm prune --omit=dev');
    // An npm script there would need what the image is not given (scripts/ sets up a development machine).
    expect(dockerfile).not.toMatch(/\bnpm run\b/);
    expect(dockerfile).toContain(`COPY --from=build /app/${outDir} ./${outDir}`);
    expect(dockerfile).toMatch(/^USER 65532:65532$/m);
  });
});

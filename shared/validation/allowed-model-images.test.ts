import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { formatFieldError } from './field-error.ts';
import { allowedModelImageErrors, parseImagePrefix, type ImagePrefix } from './allowed-model-images.ts';

function prefixes(...texts: string[]): ImagePrefix[] {
  return texts.map((text) => {
    const prefix = parseImagePrefix(text);
    if (!prefix) throw new Error(`not a prefix: ${text}`);
    return prefix;
  });
}

const ACME = prefixes('registry.example.com/models/', 'ghcr.io/acme/');
const allowed = (image: string, allow = ACME) => allowedModelImageErrors(image, allow).length === 0;

describe('parseImagePrefix', () => {
  it.each([
    ['registry.example.com/models/', { registry: 'registry.example.com', path: ['models'], below: true }],
    ['registry.example.com/', { registry: 'registry.example.com', path: [], below: true }],
    ['Localhost:5000/', { registry: 'localhost:5000', path: [], below: true }],
    ['acme/', { registry: 'docker.io', path: ['acme'], below: true }],
    ['index.docker.io/acme/', { registry: 'docker.io', path: ['acme'], below: true }],
    ['nginx', { registry: 'docker.io', path: ['library', 'nginx'], below: false }],
    ['ghcr.io/acme/llama', { registry: 'ghcr.io', path: ['acme', 'llama'], below: false }],
  ])('reads %s', (text, prefix) => {
    expect(parseImagePrefix(text)).toEqual({ text, ...prefix });
  });

  it.each(['', '/', 'registry.example.com', 'ghcr.io/acme/../', 'ghcr.io//x/', 'ghcr.io/acme/x:1', 'a b/'])(
    'refuses %j',
    (text) => expect(parseImagePrefix(text)).toBeUndefined(),
  );
});

describe('allowedModelImageErrors', () => {
  it('allows any image when no prefix is configured', () => {
    expect(allowedModelImageErrors('anything:latest', [])).toEqual([]);
    expect(allowedModelImageErrors('not an image', [])).toEqual([]);
  });

  it('allows images below a prefix, compared on path components', () => {
    expect(allowed('registry.example.com/models/llama:3')).toBe(true);
    expect(allowed('registry.example.com/models/team/llama@sha256:' + 'a'.repeat(64))).toBe(true);
    expect(allowed('ghcr.io/acme/llama')).toBe(true);
    expect(allowed('GHCR.IO/acme/llama')).toBe(true);
    expect(allowed('ghcr.io/acme-evil/llama')).toBe(false);
    expect(allowed('ghcr.io/acme')).toBe(false);
    expect(allowed('ghcr.io/acme/../x')).toBe(false);
    expect(allowed('ghcr.io.evil.com/acme/llama')).toBe(false);
    expect(allowed('registry.example.com/models-x/llama')).toBe(false);
    expect(allowed('registry.example.com:443/models/llama')).toBe(false);
  });

  it('judges an image without a registry as the Docker Hub image the runtime pulls', () => {
    expect(allowed('nginx', prefixes('nginx'))).toBe(true);
    expect(allowed('nginx:1.27', prefixes('docker.io/library/'))).toBe(true);
    expect(allowed('acme/llama', prefixes('acme/'))).toBe(true);
    expect(allowed('acme/llama', prefixes('docker.io/acme/'))).toBe(true);
    expect(allowed('acme-evil/llama', prefixes('acme/'))).toBe(false);
    expect(allowed('nginx', prefixes('acme/'))).toBe(false);
    expect(allowed('nginx-evil', prefixes('nginx'))).toBe(false);
    expect(allowed('ghcr.io/library/nginx', prefixes('nginx'))).toBe(false);
  });

  it('names the image, where it is pulled from and the allowed prefixes', () => {
    expect(allowedModelImageErrors('ghcr.io/acme-evil/llama:1', ACME).map(formatFieldError)).toEqual([
      `spec.image: Invalid value: "ghcr.io/acme-evil/llama:1": must be an image under one of the allowed prefixes registry.example.com/models/, ghcr.io/acme/ (--allowed-model-images, chart value security.allowedModelImages); it is pulled from ghcr.io/acme-evil/llama`,
    ]);
    expect(allowedModelImageErrors('ghcr.io/acme/../x', ACME).map(formatFieldError)).toEqual([
      `spec.image: Invalid value: "ghcr.io/acme/../x": must be an image reference: [registry[:port]/]path[:tag][@digest], e.g. registry.example.com/models/llama:3, under one of the allowed prefixes registry.example.com/models/, ghcr.io/acme/ (--allowed-model-images, chart value security.allowedModelImages)`,
    ]);
  });

  const component = fc.stringMatching(/^[a-z0-9]{1,6}([._-][a-z0-9]{1,4})?$/);
  const registry = fc.constantFrom('ghcr.io', 'registry.example.com', 'localhost:5000', 'docker.io');
  const path = fc.array(component, { minLength: 1, maxLength: 4 });

  it('allows exactly the images whose registry and leading components are the prefix (property)', () => {
    fc.assert(
      fc.property(registry, path, registry, path, fc.boolean(), (r, p, imageRegistry, imagePath, below) => {
        const prefix = prefixes(`${r}/${p.join('/')}${below ? '/' : ''}`);
        const image = `${imageRegistry}/${imagePath.join('/')}:1`;
        const expected =
          imageRegistry === r &&
          (below ? imagePath.length > p.length : imagePath.length === p.length) &&
          p.every((c, i) => imagePath[i] === c);
        expect(allowed(image, prefix)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('never allows a sibling whose component only starts like the prefix (property)', () => {
    fc.assert(
      fc.property(registry, path, component, fc.constantFrom('-', '.', '_', ''), (r, p, more, join) => {
        const sibling = [...p.slice(0, -1), `${p[p.length - 1]}${join}${more}`];
        expect(allowed(`${r}/${sibling.join('/')}/model:1`, prefixes(`${r}/${p.join('/')}/`))).toBe(false);
      }),
    );
  });
});

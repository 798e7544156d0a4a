import { describe, expect, it } from '@jest/globals';
import { parseImageReference, repositoryOf } from './image-reference.ts';

describe('parseImageReference', () => {
  it.each([
    ['nginx', 'docker.io/library/nginx'],
    ['nginx:1.27', 'docker.io/library/nginx'],
    ['acme/llama:3', 'docker.io/acme/llama'],
    ['docker.io/nginx', 'docker.io/library/nginx'],
    ['index.docker.io/acme/llama', 'docker.io/acme/llama'],
    ['ghcr.io/acme/models/llama:3@sha256:' + 'a'.repeat(64), 'ghcr.io/acme/models/llama'],
    ['GHCR.io/acme/llama', 'ghcr.io/acme/llama'],
    ['localhost/llama', 'localhost/llama'],
    ['localhost:5000/llama:3', 'localhost:5000/llama'],
    ['10.0.0.5:5000/a/b', '10.0.0.5:5000/a/b'],
    ['[fd00::1]:5000/a', '[fd00::1]:5000/a'],
    ['Registry/llama', 'registry/llama'],
    ['reg.example.com/a__b/c.d/e-f--g', 'reg.example.com/a__b/c.d/e-f--g'],
  ])('reads %s as pulled from %s', (image, repository) => {
    const parsed = parseImageReference(image);
    expect('image' in parsed && repositoryOf(parsed.image)).toBe(repository);
  });

  it.each([
    'ghcr.io/acme/../evil',
    'ghcr.io/acme/./x',
    'ghcr.io//acme',
    'ghcr.io/acme/',
    'ghcr.io/Acme/x',
    'ghcr.io/acme/x:',
    'ghcr.io/acme/x@sha256:abc',
    'acme/-x',
    '',
    `a/${'b'.repeat(260)}`,
  ])('refuses %j, which no runtime pulls', (image) => {
    expect(parseImageReference(image)).toEqual({ problem: expect.stringMatching(/^must /) });
  });
});

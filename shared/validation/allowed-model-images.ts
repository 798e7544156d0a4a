// Which images an AIModel may run, when the installation says (--allowed-model-images): whoever
// may create AIModels in a namespace may otherwise run any image there. A prefix names a registry and the
// leading components of a repository path, and matches on component boundaries of the image as the
// runtime pulls it, never on characters: `ghcr.io/acme/` allows ghcr.io/acme/llama but not
// ghcr.io/acme-evil/llama, and an image without a registry is judged as the docker.io/library/... the
// runtime pulls.
import {
  canonicalRegistry,
  namesRegistry,
  parseImageReference,
  PATH_COMPONENT,
  REGISTRY,
  repositoryOf,
  splitRepositoryName,
} from '../api/aimodel/image-reference.ts';
import type { FieldError } from './field-error.ts';

export interface ImagePrefix {
  /** As configured, e.g. `ghcr.io/acme/`. */
  text: string;
  registry: string;
  path: string[];
  /**
   * Written with a trailing "/": the repositories below the path (at least one component more). Without
   * it, the one repository the prefix names, with any tag or digest.
   */
  below: boolean;
}

export const IMAGE_PREFIX_FORMS =
  'must be a registry or repository prefix such as "registry.example.com/models/" (everything below it), "ghcr.io/acme/llama" (that repository) or "acme/" (Docker Hub\'s acme), without a tag or digest';

/** Parses one configured prefix; undefined when it is none (see IMAGE_PREFIX_FORMS). */
export function parseImagePrefix(text: string): ImagePrefix | undefined {
  const below = text.endsWith('/');
  const name = below ? text.slice(0, -1) : text;
  if (!below) {
    // "registry.example.com" alone would read as a Docker Hub repository; the registry is "registry.example.com/".
    if (!name.includes('/') && namesRegistry(name)) return undefined;
    const repository = splitRepositoryName(name);
    return repository && { text, ...repository, below };
  }
  const [first = '', ...rest] = name.split('/');
  // "registry.example.com/" alone is a whole registry; "acme/" is a Docker Hub user.
  const explicit = namesRegistry(first);
  const path = explicit ? rest : [first, ...rest];
  if (explicit && !REGISTRY.test(first)) return undefined;
  if (!path.every((c) => PATH_COMPONENT.test(c))) return undefined;
  return { text, registry: explicit ? canonicalRegistry(first) : 'docker.io', path, below };
}

function allows(prefix: ImagePrefix, registry: string, path: readonly string[]): boolean {
  if (registry !== prefix.registry) return false;
  if (prefix.below ? path.length <= prefix.path.length : path.length !== prefix.path.length) return false;
  return prefix.path.every((component, i) => path[i] === component);
}

/** The error for `image` at `spec.image` when prefixes are configured and none allows it. */
export function allowedModelImageErrors(image: unknown, prefixes: readonly ImagePrefix[]): FieldError[] {
  if (prefixes.length === 0 || typeof image !== 'string') return [];
  const allowed = `the allowed prefixes ${prefixes.map((p) => p.text).join(', ')} (--allowed-model-images, chart value security.allowedModelImages)`;
  const parsed = parseImageReference(image);
  if ('problem' in parsed) {
    return [
      {
        field: 'spec.image',
        type: 'Invalid',
        badValue: image,
        detail: `${parsed.problem}, under one of ${allowed}`,
      },
    ];
  }
  const { registry, path } = parsed.image;
  if (prefixes.some((p) => allows(p, registry, path))) return [];
  return [
    {
      field: 'spec.image',
      type: 'Invalid',
      badValue: image,
      detail: `must be an image under one of ${allowed}; it is pulled from ${repositoryOf(parsed.image)}`,
    },
  ];
}

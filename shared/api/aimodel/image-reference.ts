// An AIModel's spec.image read as a container runtime reads it (the grammar and defaults of
// github.com/distribution/reference, which Docker and containerd share): the registry and the repository
// the image is pulled from. `llama:3` is docker.io/library/llama, `acme/llama` is docker.io/acme/llama, and
// a first component is a registry only when it holds "." or ":", is "localhost" or has upper case. Path
// components are lower-case words joined by ".", "_", "__" or dashes, so `..` or an empty component is no
// reference at all.

export interface ImageReference {
  /** Lower case; docker.io for an image written without one (and for index.docker.io). */
  registry: string;
  /** The repository's path components, e.g. ["library", "nginx"]. */
  path: string[];
}

/** The reference, or why it is none, as a field-error detail ("must ..."). */
export type ParsedImage = { image: ImageReference } | { problem: string };

const DOCKER_HUB = 'docker.io';
const LEGACY_DOCKER_HUB = 'index.docker.io';
const MAX_NAME_LENGTH = 255;

const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
/** A registry host (a DNS name, an IPv4 address or a bracketed IPv6 address) with an optional port. */
export const REGISTRY = new RegExp(
  `^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?$`,
);
export const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;

const REFERENCE_DETAIL =
  'must be an image reference: [registry[:port]/]path[:tag][@digest], e.g. registry.example.com/models/llama:3';

/** Whether the first of several "/"-separated components names a registry rather than a Docker Hub user. */
export function namesRegistry(component: string): boolean {
  return /[.:]/.test(component) || component === 'localhost' || component.toLowerCase() !== component;
}

/** `registry` as compared: lower case (a DNS name), Docker Hub under one name. */
export function canonicalRegistry(registry: string): string {
  const lower = registry.toLowerCase();
  return lower === LEGACY_DOCKER_HUB ? DOCKER_HUB : lower;
}

/** Splits a repository name (no tag or digest) into its registry and path, with Docker's defaults. */
export function splitRepositoryName(name: string): ImageReference | undefined {
  const components = name.split('/');
  const [first = '', ...rest] = components;
  const explicit = rest.length > 0 && namesRegistry(first);
  const registry = explicit ? canonicalRegistry(first) : DOCKER_HUB;
  const path = explicit ? rest : components;
  if (explicit && !REGISTRY.test(first)) return undefined;
  if (path.length === 0 || !path.every((c) => PATH_COMPONENT.test(c))) return undefined;
  // Docker Hub's official images live under library/.
  return { registry, path: registry === DOCKER_HUB && path.length === 1 ? ['library', ...path] : path };
}

export function parseImageReference(text: string): ParsedImage {
  const at = text.indexOf('@');
  const beforeDigest = at < 0 ? text : text.slice(0, at);
  if (at >= 0 && !DIGEST.test(text.slice(at + 1))) return { problem: REFERENCE_DETAIL };
  // A tag follows the last ":" after the last "/"; an earlier ":" is the registry's port.
  const colon = beforeDigest.lastIndexOf(':');
  const tagged = colon > beforeDigest.lastIndexOf('/');
  const name = tagged ? beforeDigest.slice(0, colon) : beforeDigest;
  if (tagged && !TAG.test(beforeDigest.slice(colon + 1))) return { problem: REFERENCE_DETAIL };
  if (name.length > MAX_NAME_LENGTH)
    return { problem: `must have a name of at most ${MAX_NAME_LENGTH} characters` };
  const image = splitRepositoryName(name);
  return image ? { image } : { problem: REFERENCE_DETAIL };
}

/** `registry/path`, as the image is pulled: docker.io/library/nginx for `nginx:1.27`. */
export function repositoryOf(image: ImageReference): string {
  return `${image.registry}/${image.path.join('/')}`;
}

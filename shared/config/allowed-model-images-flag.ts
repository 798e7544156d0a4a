// The --allowed-model-images flag, read alike by the webhook (which refuses other images at admission) and
// the controller (which makes nothing for a model stored with one while no webhook judged it).
import { IMAGE_PREFIX_FORMS, parseImagePrefix } from '../validation/allowed-model-images.ts';
import type { ImagePrefix } from '../validation/allowed-model-images.ts';
import { invalidFlagValue, parseListFlag } from './flags.ts';

export const ALLOWED_MODEL_IMAGES_HELP =
  'registry or repository prefixes AIModel images must be under, e.g. registry.example.com/models/,ghcr.io/acme/ (repeatable, comma-separated); empty: any image';

/** The prefixes of a comma-separated list; a value that is no prefix stops the process with the forms allowed. */
export function parseAllowedModelImages(text: string): ImagePrefix[] {
  return parseListFlag(text).map((prefix) => {
    const parsed = parseImagePrefix(prefix);
    if (!parsed) throw invalidFlagValue('allowed-model-images', prefix, IMAGE_PREFIX_FORMS);
    return parsed;
  });
}

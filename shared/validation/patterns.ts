// What each schema pattern allows, in words, for error messages.
import {
  DNS_LABEL_PATTERN,
  DNS_SUBDOMAIN_PATTERN,
  HOSTNAME_PATTERN,
  QUANTITY_PATTERN,
} from '../api/schema/primitives.ts';
import { HEADER_NAME_PATTERN, HEADER_VALUE_PATTERN, ROUTE_PATH_PATTERN } from '../api/apigatewayroute/v1.ts';
import { TARGET_SERVICE_PATTERN } from '../api/apigatewayroute/v1alpha1.ts';
import { ENV_NAME_PATTERN } from '../kube/core-v1-types.ts';

const DESCRIPTIONS = new Map<string, string>([
  [
    ROUTE_PATH_PATTERN,
    'must start with "/" and contain only letters, digits and the characters ._~%!&()*+,=:@/- (no quotes, "$", ";", braces or whitespace)',
  ],
  [
    DNS_LABEL_PATTERN,
    "must be a lowercase RFC 1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit",
  ],
  [
    DNS_SUBDOMAIN_PATTERN,
    "must be a lowercase RFC 1123 subdomain: lowercase letters, digits, '-' and '.', each label starting and ending with a letter or digit",
  ],
  [HOSTNAME_PATTERN, 'must be a lowercase DNS name, optionally starting with "*."'],
  [QUANTITY_PATTERN, 'must be a quantity such as "2", "500m" or "8Gi"'],
  [HEADER_NAME_PATTERN, "must contain only letters, digits and '-', starting with a letter or digit"],
  [
    HEADER_VALUE_PATTERN,
    'must contain only printable ASCII characters other than \'"\', \'\\\', "$", braces and ";", and must not start or end with a space',
  ],
  [TARGET_SERVICE_PATTERN, 'must be "host" or "host:port" with host a lowercase RFC 1123 subdomain'],
  [ENV_NAME_PATTERN, "must consist of letters, digits, '-', '_' or '.', and must not start with a digit"],
]);

export function describePattern(pattern: string): string {
  return DESCRIPTIONS.get(pattern) ?? `must match the regular expression '${pattern}'`;
}

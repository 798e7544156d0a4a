// A route's host and header conditions as one nginx map. The request's Host and the route's headers are
// joined with newlines, which no Host or header value can hold, and matched against one anchored regex
// of the route's values written as literals; so a value can only ever match itself.
import { block, directive, type NginxBlock } from './nginx-config-text.ts';
import { braced, headerVariable, routeSelectsVariable } from './nginx-names.ts';
import { pcreLiteral, quotedLiteral } from './nginx-syntax.ts';
import type { NumberedRoute, PreparedRoute } from './prepared-route.ts';

const SEPARATOR = '\n';

function hostPattern(host: string): string {
  // "*.example.com" matches one or more labels in front of example.com, like the API describes.
  return host.startsWith('*.') ? `(?:[^.\\n]+\\.)+${pcreLiteral(host.slice(2))}` : pcreLiteral(host);
}

export function isConditional(route: PreparedRoute): boolean {
  return route.match.hosts.length > 0 || route.match.headers.length > 0;
}

/** The key (variables) and the regex the map compares it with. */
function routeSelection(route: PreparedRoute): { source: string; pattern: string } {
  const sources: string[] = [];
  const patterns: string[] = [];
  if (route.match.hosts.length > 0) {
    sources.push('$host');
    patterns.push(`(?:${route.match.hosts.map(hostPattern).join('|')})`);
  }
  for (const header of route.match.headers) {
    sources.push(headerVariable(header.name));
    patterns.push(pcreLiteral(header.value));
  }
  return { source: sources.join(SEPARATOR), pattern: `^${patterns.join(SEPARATOR)}$` };
}

/** A map setting the route's selects variable, for a route with conditions (see isConditional). */
export function routeSelectionMap(route: NumberedRoute): NginxBlock {
  const { source, pattern } = routeSelection(route);
  return block(
    'map',
    [quotedLiteral(source), routeSelectsVariable(route.number)],
    [directive(quotedLiteral(`~${pattern}`), 1), directive('default', 0)],
  );
}

/** What a dispatch map reads for the route: its selects variable, or "1" when it has no conditions. */
export function routeSelectionBit(route: NumberedRoute): string {
  return isConditional(route) ? braced(routeSelectsVariable(route.number)) : '1';
}

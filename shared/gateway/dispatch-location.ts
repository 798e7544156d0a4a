// One nginx location and the maps that choose which of its candidate routes serves a request: the first
// candidate (in precedence order) whose host and header conditions hold and whose method matches. When
// the conditions of some routes hold but none takes the method, the answer is 405 with the methods they
// take in Allow; otherwise 404. A GET route takes HEAD too (see methodsTaken). The Allow list is a map
// read only by the 405 answer, so a request a route takes does not compute it.
import { HTTP_METHODS, type HTTPMethod } from '../api/apigatewayroute/v1.ts';
import type { LocationPlan } from './location-plan.ts';
import {
  block,
  comment,
  directive,
  type NginxBlock,
  type NginxDirective,
  type NginxNode,
} from './nginx-config-text.ts';
import {
  ALLOW_VARIABLE,
  braced,
  DISPATCH_LOCATION_VARIABLE,
  locationVariable,
  routeLocationName,
} from './nginx-names.ts';
import { pcreLiteral, quotedLiteral, quotedText } from './nginx-syntax.ts';
import type { NumberedRoute } from './prepared-route.ts';
import { methodsTaken } from './route-match.ts';
import { isConditional, routeSelectionBit } from './route-selection.ts';

export interface DispatchRendering {
  maps: NginxBlock[];
  location: NginxBlock;
  /** The location's entry in the Allow map (see allowMap), when it may answer 405. */
  allow?: NginxDirective;
}

/** The jump to the chosen route's named location; the file test always fails (nothing exists under /dev/null). */
function jumpTo(target: string): NginxNode[] {
  return [directive('root', '/dev/null'), directive('try_files', '/gateway-route', target)];
}

/**
 * At http level: the jumps' file test answered from a cache of its failure, not by a stat() per request,
 * which is among the dearest things a request does where system calls are slow (gVisor, some VMs).
 */
export function jumpTestCache(): NginxNode[] {
  return [directive('open_file_cache', 'max=1'), directive('open_file_cache_errors', 'on')];
}

/** A PCRE matching the request methods a route takes. */
function methodPattern(method: HTTPMethod): string {
  if (method === 'ANY') return '[^:]*';
  const taken = methodsTaken(method).map(pcreLiteral);
  return taken.length > 1 ? `(?:${taken.join('|')})` : taken.join('');
}

/**
 * The map from method and conditions to what serves the request: the first candidate that takes it; else
 * 405 when the conditions of a candidate with a named method hold (only its method is wrong); else 404.
 */
function routeMap(candidates: NumberedRoute[], variable: string): NginxBlock {
  const bits = candidates.map(routeSelectionBit).join('');
  const namedMethods = candidates.flatMap((route, position) =>
    route.match.method === 'ANY' ? [] : [position],
  );
  return block(
    'map',
    [quotedLiteral(`$request_method:${bits}`), variable],
    [
      ...candidates.map((route, position) =>
        directive(
          quotedLiteral(`~^${methodPattern(route.match.method)}:.{${position}}1`),
          routeLocationName(route.number),
        ),
      ),
      ...(namedMethods.length > 0
        ? [directive(quotedLiteral(`~^[^:]*:(?:${namedMethods.map((p) => `.{${p}}1`).join('|')})`), 405)]
        : []),
      directive('default', 404),
    ],
  );
}

/** Maps computing the Allow list from the conditions that hold: one flag per method, then the joined list. */
function allowMaps(methodRoutes: Map<string, NumberedRoute[]>, location: number): NginxBlock[] {
  const flags = [...methodRoutes].map(([method, withMethod]) => {
    const bits = withMethod.map(routeSelectionBit).join('');
    return block(
      'map',
      [quotedLiteral(bits), locationVariable(location, `allows_${method.toLowerCase()}`)],
      [directive(quotedLiteral('~1'), quotedText(`, ${method}`)), directive('default', '""')],
    );
  });
  const joined = [...methodRoutes.keys()].map((m) =>
    braced(locationVariable(location, `allows_${m.toLowerCase()}`)),
  );
  return [
    ...flags,
    block(
      'map',
      [quotedLiteral(joined.join('')), locationVariable(location, 'allow')],
      [directive(quotedLiteral('~^, (.*)$'), '$1'), directive('default', '""')],
    ),
  ];
}

export function dispatchLocation(plan: LocationPlan, index: number): DispatchRendering {
  // Candidates after one that takes every request can never be chosen.
  const catchAll = plan.candidates.findIndex(
    (route) => route.match.method === 'ANY' && !isConditional(route),
  );
  const candidates = catchAll === -1 ? plan.candidates : plan.candidates.slice(0, catchAll + 1);
  const header: NginxNode[] = candidates.map((route, position) =>
    comment(`${position + 1}. APIGatewayRoute ${route.id} (${route.match.method})`),
  );
  const locationArgs = [plan.modifier, quotedLiteral(plan.path)];
  const first = candidates[0];
  if (first === undefined) throw new Error(`location ${plan.path} has no candidate routes`);
  if (catchAll === 0) {
    return {
      maps: [],
      location: block('location', locationArgs, [
        ...header,
        ...jumpTo(`@${routeLocationName(first.number)}`),
      ]),
    };
  }
  const route = locationVariable(index, 'route');
  const maps: NginxBlock[] = [routeMap(candidates, route)];
  const methodRoutes = new Map<string, NumberedRoute[]>();
  for (const method of HTTP_METHODS) {
    const withMethod = candidates.filter((c) => {
      const named = c.match.method;
      return named !== 'ANY' && methodsTaken(named).includes(method);
    });
    if (withMethod.length > 0) methodRoutes.set(method, withMethod);
  }
  const checks: NginxNode[] = [block('if', [`(${route}`, '=', '404)'], [directive('return', 404)])];
  if (methodRoutes.size === 0) {
    return {
      maps,
      location: block('location', locationArgs, [...header, ...checks, ...jumpTo(`@${route}`)]),
    };
  }
  // The Allow list is fixed when every route with a named method takes every host and header.
  const fixed = [...methodRoutes.values()].flat().every((c) => !isConditional(c));
  if (!fixed) maps.push(...allowMaps(methodRoutes, index));
  const allow = fixed ? quotedText([...methodRoutes.keys()].join(', ')) : locationVariable(index, 'allow');
  checks.push(directive('set', DISPATCH_LOCATION_VARIABLE, index));
  checks.push(block('if', [`(${route}`, '=', '405)'], [directive('return', 405)]));
  return {
    maps,
    allow: directive(quotedLiteral(String(index)), allow),
    location: block('location', locationArgs, [...header, ...checks, ...jumpTo(`@${route}`)]),
  };
}

/**
 * The Allow list of the 405 answer: that of the location that answered, by the index it set. Absent when
 * no location answers 405; then nginx's own 405 (TRACE) has no Allow, as no variable names one.
 */
export function allowMap(dispatches: readonly DispatchRendering[]): NginxBlock[] {
  const entries = dispatches.flatMap((d) => (d.allow === undefined ? [] : [d.allow]));
  if (entries.length === 0) return [];
  return [
    block('map', [DISPATCH_LOCATION_VARIABLE, ALLOW_VARIABLE], [...entries, directive('default', '""')]),
  ];
}

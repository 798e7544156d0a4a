// Names the rendered configuration gives to what it generates. Routes and locations are numbered in
// their sorted order, so names are stable for the same input; nginx names allow only [A-Za-z0-9_].

/** Named location and rate-limit zone of route number `index`. */
export function routeLocationName(index: number): string {
  return `gw_route_${index}`;
}

/** "1" when a request satisfies the route's host and header conditions, "0" otherwise. */
export function routeSelectsVariable(index: number): string {
  return `$gw_route_${index}_selects`;
}

/** `$name` as `${name}`, for a variable followed by other text in the same string. */
export function braced(variable: string): string {
  return `\${${variable.slice(1)}}`;
}

export function locationVariable(index: number, what: string): string {
  return `$gw_location_${index}_${what}`;
}

/** The request header `name` as nginx exposes it: lower case, "-" as "_". */
export function headerVariable(name: string): string {
  return `$http_${name.toLowerCase().replace(/-/g, '_')}`;
}

/** The methods the routes of the location that answered 405 accept, for its Allow header. */
export const ALLOW_VARIABLE = '$gw_allow';
/** Set by a dispatch location that may answer 405 to its index, which chooses its Allow list. */
export const DISPATCH_LOCATION_VARIABLE = '$gw_dispatch_location';
export const ROUTE_NAME_VARIABLE = '$gw_route_name';
export const UPSTREAM_HOST_VARIABLE = '$gw_upstream_host';
export const API_KEY_DIRECTORY_VARIABLE = '$gw_api_key_directory';
/** The header the API-key check answers the presented key's consumer in, as the checked request sees it. */
export const CONSUMER_HEADER = 'X-Gateway-Consumer';
export const CONSUMER_HEADER_VARIABLE = '$sent_http_x_gateway_consumer';

/** The internal location auth_request calls; requests never reach it (see INTERNAL_PATH_PREFIX). */
export const API_KEY_CHECK_PATH = '/.gateway/api-key-check';

/** The shared memory zone every backend upstream keeps its addresses in. */
export const BACKEND_ZONE = 'gw_backends';

export const NOT_FOUND_LOCATION = '@gw_not_found';
export const METHOD_NOT_ALLOWED_LOCATION = '@gw_method_not_allowed';
export const UNAUTHORIZED_LOCATION = '@gw_unauthorized';
export const RATE_LIMITED_LOCATION = '@gw_rate_limited';
export const BAD_GATEWAY_LOCATION = '@gw_bad_gateway';
export const SERVICE_UNAVAILABLE_LOCATION = '@gw_service_unavailable';
export const GATEWAY_TIMEOUT_LOCATION = '@gw_gateway_timeout';

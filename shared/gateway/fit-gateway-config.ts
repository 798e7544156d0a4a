// A gateway's configuration lives in one ConfigMap, whose data the API server caps at 1 MiB. When the
// rendered configuration of all admitted routes would not fit, the oldest routes that fit are served and
// the newer ones are left out, so a route added to a full gateway is refused on its own instead of the
// whole gateway failing to apply.
import type { APIGatewayRouteV1 } from '../api/apigatewayroute/v1.ts';
import type { GatewayConfigInput } from './gateway-options.ts';
import { renderGatewayConfig, GATEWAY_CONFIG_FILE, type GatewayConfig } from './render-gateway-config.ts';
import { compareAge } from './route-precedence.ts';

/** The API server's limit on a ConfigMap's data, less room for the keys and what may be added later. */
export const MAX_GATEWAY_CONFIG_BYTES = 1_000_000;

export interface FittedGatewayConfig {
  config: GatewayConfig;
  /** The routes the configuration serves. */
  served: APIGatewayRouteV1[];
  /** The newest routes, left out because with them the configuration would exceed the budget. */
  tooLarge: APIGatewayRouteV1[];
}

/** Bytes the configuration takes in its ConfigMap: every file's name and UTF-8 content. */
export function configBytes(config: GatewayConfig): number {
  const files: [string, string][] = [[GATEWAY_CONFIG_FILE, config.config], ...Object.entries(config.files)];
  return files.reduce((sum, [name, text]) => sum + Buffer.byteLength(name) + Buffer.byteLength(text), 0);
}

/**
 * Renders `input`; when it exceeds `budget` bytes, renders the longest run of routes, oldest first, that
 * fits (found by bisection: a few renders, each linear in the routes). Throws what renderGatewayConfig
 * throws.
 */
export function fitGatewayConfig(
  input: GatewayConfigInput,
  budget: number = MAX_GATEWAY_CONFIG_BYTES,
): FittedGatewayConfig {
  const all = renderGatewayConfig(input);
  if (configBytes(all) <= budget) return { config: all, served: [...input.routes], tooLarge: [] };
  const byAge = [...input.routes].sort(compareAge);
  const render = (count: number) => renderGatewayConfig({ ...input, routes: byAge.slice(0, count) });
  // Invariant: `low` routes fit (none always does), `high` routes do not.
  let low = 0;
  let high = byAge.length;
  let fitted = render(0);
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    const config = render(middle);
    if (configBytes(config) <= budget) {
      low = middle;
      fitted = config;
    } else {
      high = middle;
    }
  }
  return { config: fitted, served: byAge.slice(0, low), tooLarge: byAge.slice(low) };
}

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
 * fits. Routes take about the same room each, so the search starts where the sizes of no route and of all
 * of them put the answer, widens by doubling steps until it brackets it, and bisects: a handful of
 * renders, each linear in the routes. Throws what renderGatewayConfig throws.
 */
export function fitGatewayConfig(
  input: GatewayConfigInput,
  budget: number = MAX_GATEWAY_CONFIG_BYTES,
): FittedGatewayConfig {
  const all = renderGatewayConfig(input);
  const total = configBytes(all);
  if (total <= budget) return { config: all, served: [...input.routes], tooLarge: [] };
  const byAge = [...input.routes].sort(compareAge);
  const count = byAge.length;
  const renders = new Map<number, GatewayConfig>([[count, all]]);
  const render = (n: number): GatewayConfig => {
    let config = renders.get(n);
    if (config === undefined) {
      config = renderGatewayConfig({ ...input, routes: byAge.slice(0, n) });
      renders.set(n, config);
    }
    return config;
  };
  const fits = (n: number) => configBytes(render(n)) <= budget;
  const empty = configBytes(render(0));
  const guess = Math.min(
    count - 1,
    Math.max(0, Math.floor(((budget - empty) / Math.max(1, total - empty)) * count)),
  );
  // Invariant once bracketed: `low` routes fit, `high` routes do not (all of them never do).
  let low: number;
  let high: number;
  if (fits(guess)) {
    low = guess;
    high = count;
    for (let step = 1; low + step < high; step *= 2) {
      if (!fits(low + step)) {
        high = low + step;
        break;
      }
      low += step;
    }
  } else {
    high = guess;
    low = 0;
    for (let step = 1; high - step > 0; step *= 2) {
      if (fits(high - step)) {
        low = high - step;
        break;
      }
      high -= step;
    }
  }
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (fits(middle)) low = middle;
    else high = middle;
  }
  return { config: render(low), served: byAge.slice(0, low), tooLarge: byAge.slice(low) };
}

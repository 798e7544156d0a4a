// Errors of the gateway configuration renderer. Each names what was refused and where, so the controller
// can report it on the route's status or in its logs.

/** A route value the renderer cannot put into an nginx configuration safely. */
export class GatewayRouteError extends Error {
  /** `<namespace>/<name>` of the APIGatewayRoute. */
  readonly route: string;
  /** The spec field, e.g. `spec.headers[0].name`. */
  readonly field: string;
  readonly problem: string;
  constructor(route: string, field: string, problem: string) {
    super(`APIGatewayRoute ${route}: ${field}: ${problem}`);
    this.name = 'GatewayRouteError';
    this.route = route;
    this.field = field;
    this.problem = problem;
  }
}

/** A renderer option (resolver, directories, port) that is malformed. */
export class GatewayOptionError extends Error {
  readonly option: string;
  readonly value: unknown;
  constructor(option: string, value: unknown, allowed: string) {
    super(`gateway option ${option}: invalid value ${JSON.stringify(value)}: ${allowed}`);
    this.name = 'GatewayOptionError';
    this.option = option;
    this.value = value;
  }
}

/** A string that would change the meaning of the nginx configuration it is written into. */
export class UnsafeNginxValueError extends Error {
  readonly value: string;
  constructor(value: string, problem: string) {
    super(`value ${JSON.stringify(value)} cannot be written into an nginx configuration: ${problem}`);
    this.name = 'UnsafeNginxValueError';
    this.value = value;
  }
}

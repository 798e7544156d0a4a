// The reasons the controller writes into conditions and Events. They are part of its interface: people,
// alerts and the README's troubleshooting table match on them. Declared once here, each as its own
// value, so that a misspelt reason does not compile and an outcome can only carry one that exists.

/** Reasons of a resource that is served, or on its way there. */
const PROGRESS = [
  'Accepted',
  'Serving',
  'Available',
  'ExternalEndpoint',
  'AsExpected',
  'Initializing',
  'Updating',
  'RollingOut',
  'RolloutComplete',
  'GatewayProgressing',
  'GatewayReloading',
  'Retrying',
] as const;

/** Reasons of a resource that is not served and will not be until a person or another object acts. */
const PROBLEMS = [
  'InvalidSpec',
  'ChildConflict',
  'ReconcileFailed',
  'ScaledToZero',
  'ProgressDeadlineExceeded',
  'RouteConflict',
  'RefNotPermitted',
  'GatewayConfigTooLarge',
  'BackendNotFound',
  'ResolverNotFound',
  'GatewayRolloutStalled',
  'GatewayScaledToZero',
  'GatewayConfigRefused',
  'ReloaderUnreachable',
  'ApiKeySecretRefused',
  'CredentialsNotFound',
  'CredentialsRefused',
] as const;

/** Reasons of Events that no condition carries. */
const EVENTS_ONLY = ['ApplyFailed', 'ChildrenUpdated'] as const;

export type Reason = (typeof PROGRESS)[number] | (typeof PROBLEMS)[number] | (typeof EVENTS_ONLY)[number];

/** `REASON.InvalidSpec === 'InvalidSpec'`, and so on for every reason. */
export const REASON = Object.freeze(
  Object.fromEntries([...PROGRESS, ...PROBLEMS, ...EVENTS_ONLY].map((name) => [name, name])),
) as { readonly [R in Reason]: R };

/** The reasons a troubleshooting guide must explain. */
export const PROBLEM_REASONS: readonly Reason[] = PROBLEMS;

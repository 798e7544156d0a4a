// Brings one gateway (namespace/name, shared by every route that names it) to what its routes ask for:
// renders the nginx configuration of the served routes, applies the ConfigMap, Deployment and Service
// when the cache shows them different, and reports each route's outcome in its status: Ready once the
// Deployment is rolled out and every ready pod's reloader reports the new configuration loaded (a change
// of routes reaches running pods by a reload, not a rollout). When no route
// names the gateway any more, its children are deleted (a route that moved to another gateway still
// owns them, so the garbage collector would not). Routes that fail validation do not count: with no
// other route the gateway's children stay as they are. Nothing is written while an object the operator
// did not make holds the name of a gateway child.
import type { AIModelV1 } from '../../../shared/api/aimodel/v1.ts';
import type { APIGatewayRouteV1 } from '../../../shared/api/apigatewayroute/v1.ts';
import { fitGatewayConfig, MAX_GATEWAY_CONFIG_BYTES } from '../../../shared/gateway/fit-gateway-config.ts';
import { compareAge } from '../../../shared/gateway/route-precedence.ts';
import type { KubeObject } from '../../../shared/kube/meta-v1-types.ts';
import type { KubeAPI } from '../../../shared/kube/kube-api.ts';
import type { ResourceDescriptor } from '../../../shared/kube/resource.ts';
import { isNotFound } from '../../../shared/kube/api-error.ts';
import { CONFIG_MAPS, DEPLOYMENTS, SECRETS, SERVICES } from '../../../shared/kube/well-known-resources.ts';
import { renderGatewayChildren } from '../../children/gateway/gateway-children.ts';
import { gatewayChildName } from '../../children/gateway/gateway-names.ts';
import type { GatewayPodSettings } from '../../children/gateway/gateway-pod.ts';
import type { ConfigMap, Deployment, Service } from '../../children/kube-objects.ts';
import { gatewayClaim, isClaimed } from '../../children/child-claim.ts';
import type { ServerSideApplier } from '../../runtime/apply/server-side-applier.ts';
import { DEFAULT_NAMESPACE, namespaceOf, objectKey } from '../../../shared/kube/object-key.ts';
import type { Clock } from '../../../shared/time/clock.ts';
import type {
  ReconcileContext,
  ReconcileRequest,
  ReconcileResult,
  Reconciler,
} from '../../runtime/controller/reconciler.ts';
import type { EventRecorder } from '../../runtime/events/event-recorder.ts';
import { StatusWriter } from '../../runtime/status/status-writer.ts';
import { configServing } from '../../status/config-serving.ts';
import { REASON } from '../../status/reasons.ts';
import type { Reason } from '../../status/reasons.ts';
import { deploymentRollout } from '../../status/deployment-rollout.ts';
import type { Rollout } from '../../status/deployment-rollout.ts';
import { computeRouteStatus } from '../../status/route-status.ts';
import type { RouteOutcome } from '../../status/route-status.ts';
import { servedRouteOutcome, servingRecheckMs } from '../../status/served-route-outcome.ts';
import type { GatewayServing } from '../../status/served-route-outcome.ts';
import { reportApplyFailure } from '../apply-failure.ts';
import { checkChildClaims } from '../child-conflicts.ts';
import { ChildWriter } from '../child-writer.ts';
import { API_GATEWAY_ROUTES } from '../custom-resources.ts';
import { holdsProviderCredentials } from '../provider-credentials.ts';
import { SECRET_RECHECK_MS } from '../secret-marking.ts';
import type { ReadSecret } from '../secret-marking.ts';
import type { WatchedObjects } from '../../runtime/cache/watched-objects.ts';
import { keySecretVerdict, shortKeysMessage } from './api-key-secret.ts';
import type { KeySecretVerdict } from './api-key-secret.ts';
import type { ClusterDNS } from './cluster-dns.ts';
import type { GatewayPodReporter } from './gateway-pod-reports.ts';
import { planGateway, referencedModels } from './plan-gateway.ts';
import type { GatewayPlan } from './plan-gateway.ts';
import { NAMESPACE_INDEX } from '../../runtime/cache/object-store.ts';
import type { ReferenceGrant } from './reference-grants.ts';
import { ROUTES_BY_GATEWAY } from './route-indexes.ts';

type Cache<T extends AIModelV1 | ConfigMap | Service | Deployment> = Pick<WatchedObjects<T>, 'get'>;

export interface GatewayReconcilerOptions {
  api: KubeAPI;
  applier: ServerSideApplier;
  routes: Pick<WatchedObjects<APIGatewayRouteV1>, 'byIndex'>;
  models: Cache<AIModelV1>;
  configMaps: Cache<ConfigMap>;
  services: Cache<Service>;
  deployments: Cache<Deployment>;
  /** The ReferenceGrants of every watched namespace, found by namespace. */
  grants: Pick<WatchedObjects<ReferenceGrant>, 'byIndex'>;
  dns: Pick<ClusterDNS, 'lookup'>;
  /** What each ready gateway pod's reloader reports about the configuration its nginx runs. */
  pods: GatewayPodReporter;
  events: Pick<EventRecorder, 'event'>;
  clock: Clock;
  /** Images, resources and shutdown times of the gateway pods. */
  pod: GatewayPodSettings;
  /** Whether gateways may proxy to loopback, link-local and cloud metadata hosts (--allow-local-egress). */
  allowLocalEgress: boolean;
  /** Bytes a gateway's configuration may take in its ConfigMap (default MAX_GATEWAY_CONFIG_BYTES). */
  configBudgetBytes?: number;
}

/** How soon a gateway without a DNS resolver is looked at again. */
export const RESOLVER_RETRY_MS = 30_000;

/** What each key Secret the served routes name turned out to be; absent when it does not exist. */
type KeySecrets = Map<string, KeySecretVerdict>;

/** The Secrets read for a reconcile, by name; absent when they do not exist. */
type ReadSecrets = Map<string, ReadSecret>;

function keySecretOf(route: APIGatewayRouteV1): string | undefined {
  return route.spec.authenticationRequired === true ? route.spec.apiKeySecretRef?.name : undefined;
}

/**
 * A served route's outcome given its key Secret: one that may not hold keys is not mounted, so no
 * request passes (as for a missing Secret), and ignored short keys are named after the outcome's words.
 */
function withKeySecret(route: APIGatewayRouteV1, outcome: RouteOutcome, secrets: KeySecrets): RouteOutcome {
  const name = keySecretOf(route);
  const verdict = name === undefined ? undefined : secrets.get(name);
  if (name === undefined || verdict === undefined) return outcome;
  if (!verdict.usable) {
    return {
      kind: 'unserved',
      reason: REASON.ApiKeySecretRefused,
      message: `${verdict.message}; every request is answered 401 until it is`,
    };
  }
  if (verdict.shortKeys.length === 0) return outcome;
  return { ...outcome, message: `${outcome.message}; ${shortKeysMessage(name, verdict.shortKeys)}` };
}

/** A served route's outcome, with the models of its aiModelRouting that are never chosen named after it. */
function withShadowedModels(
  route: APIGatewayRouteV1,
  outcome: RouteOutcome,
  plan: GatewayPlan,
): RouteOutcome {
  const shadowed = plan.shadowedModels.get(route);
  if (shadowed === undefined) return outcome;
  const words = shadowed.map(
    ({ model, modelName, by }) =>
      `AIModel ${model} is never chosen: AIModel ${by}, listed before it, has its modelName "${modelName}"`,
  );
  return { ...outcome, message: [outcome.message, ...words].join('; ') };
}

/** What the plan alone decides for a route: invalid or losing a conflict, whatever else happens. */
function plannedOutcome(route: APIGatewayRouteV1, plan: GatewayPlan): RouteOutcome | undefined {
  const invalid = plan.refused.find((p) => p.route === route) ?? plan.invalid.find((p) => p.route === route);
  if (invalid) return { kind: 'invalid', message: invalid.message };
  const notPermitted = plan.notPermitted.find((p) => p.route === route);
  if (notPermitted)
    return { kind: 'rejected', reason: REASON.RefNotPermitted, message: notPermitted.message };
  const conflict = plan.conflicting.find((p) => p.route === route);
  if (conflict) return { kind: 'rejected', reason: REASON.RouteConflict, message: conflict.message };
  return undefined;
}

/**
 * Every route's ownerReference is on each of the gateway's three children, and an object's size is
 * bounded (etcd: 1.5 MiB, about 7,000 references). The owners are the routes in the configuration, then
 * the other routes that name the gateway (invalid or in conflict) oldest first, up to MAX_GATEWAY_OWNERS;
 * routes left out for room own nothing. Served routes always own the children, so the garbage collector
 * removes them only with the last served route, and the controller then makes them again for the others.
 */
const MAX_GATEWAY_OWNERS = 2000;

function gatewayOwners(
  members: readonly APIGatewayRouteV1[],
  served: readonly APIGatewayRouteV1[],
  tooLarge: ReadonlySet<APIGatewayRouteV1>,
): APIGatewayRouteV1[] {
  const inConfig = new Set(served);
  const others = members.filter((r) => !inConfig.has(r) && !tooLarge.has(r)).sort(compareAge);
  return [...served, ...others].slice(0, Math.max(MAX_GATEWAY_OWNERS, served.length));
}

/** A route the gateway's configuration has no room for: older routes fill its ConfigMap. */
function tooLargeOutcome(gatewayName: string, budget: number): RouteOutcome {
  return {
    kind: 'rejected',
    reason: REASON.GatewayConfigTooLarge,
    message: `the configuration of gateway ${gatewayName} would exceed ${budget} bytes, what its ConfigMap holds, with this route; older routes fill it. Serve the route from another gateway (spec.gateway)`,
  };
}

/** A route the gateway takes: waiting for its AIModel, or as its pods serve the configuration. */
function servedOutcome(route: APIGatewayRouteV1, plan: GatewayPlan, view: GatewayServing): RouteOutcome {
  const missing = plan.missingModels.get(route);
  if (missing !== undefined) {
    const namespace = namespaceOf(route);
    // A route with aiModelRouting answers a request for a model it cannot reach as for an unknown one.
    const message =
      route.spec.aiModelRouting === undefined
        ? `AIModel ${missing.join(', ')} not found in namespace ${namespace}; requests are answered 502 until it exists`
        : missing.length === 1
          ? `AIModel ${missing[0]} not found in namespace ${namespace}; requests for it are answered 404 until it exists`
          : `AIModels ${missing.join(', ')} not found in namespace ${namespace}; requests for them are answered 404 until they exist`;
    return { kind: 'pending', reason: REASON.BackendNotFound, message, accepted: true };
  }
  return servedRouteOutcome(route, view);
}

/** The reason of the Warning Event an outcome deserves; none for being served, a rollout or a reload. */
function warningReason(outcome: RouteOutcome): Reason | undefined {
  switch (outcome.kind) {
    case 'ready':
      return undefined;
    case 'pending':
      return outcome.reason === REASON.GatewayProgressing || outcome.reason === REASON.GatewayReloading
        ? undefined
        : outcome.reason;
    case 'refused':
      return outcome.reason;
    case 'unserved':
      return outcome.reason;
    case 'rejected':
      return outcome.reason;
    case 'invalid':
      return REASON.InvalidSpec;
    case 'failed':
      return REASON.ApplyFailed;
  }
}

export class GatewayReconciler implements Reconciler {
  private readonly opts: GatewayReconcilerOptions;

  private readonly statuses: StatusWriter;

  constructor(opts: GatewayReconcilerOptions) {
    this.opts = opts;
    this.statuses = new StatusWriter(opts.api);
  }

  async reconcile(request: ReconcileRequest, ctx: ReconcileContext): Promise<ReconcileResult | void> {
    const namespace = request.namespace ?? DEFAULT_NAMESPACE;
    const gateway = request.name;
    const routes = this.opts.routes
      .byIndex(ROUTES_BY_GATEWAY, objectKey(request))
      .filter((route) => !route.metadata.deletionTimestamp);
    if (routes.length === 0) {
      await this.deleteChildren(namespace, gateway, ctx);
      return;
    }

    const models = referencedModels(routes, (ref) => this.opts.models.get(ref));
    const plan = planGateway(routes, models, this.opts.allowLocalEgress, (grantNamespace) =>
      this.opts.grants.byIndex(NAMESPACE_INDEX, grantNamespace),
    );
    if (plan.members.length === 0) {
      // Only routes that fail validation name the gateway: nothing is made or changed for them.
      for (const { route, message } of plan.refused) {
        await this.report(route, { kind: 'invalid', message }, ctx);
      }
      return;
    }
    const gatewayName = gatewayChildName(gateway);
    const dns = await this.opts.dns.lookup(ctx.signal);
    if ('problem' in dns) {
      const unresolved: RouteOutcome = {
        kind: 'pending',
        reason: REASON.ResolverNotFound,
        message: dns.problem,
        accepted: false,
      };
      await this.reportAll(routes, (route) => plannedOutcome(route, plan) ?? unresolved, ctx);
      return { requeueAfter: RESOLVER_RETRY_MS };
    }

    const secrets = await this.readSecrets(
      namespace,
      [...plan.apiKeySecrets, ...plan.credentialSecrets.map((s) => s.name)],
      ctx.signal,
    );
    const keySecrets: KeySecrets = new Map(
      plan.apiKeySecrets.flatMap((name) => {
        const secret = secrets.get(name);
        return secret ? [[name, keySecretVerdict(secret)] as const] : [];
      }),
    );
    let rollout: Rollout;
    let hash: string;
    let tooLarge: ReadonlySet<APIGatewayRouteV1> = new Set();
    const writer = new ChildWriter(this.opts.api, this.opts.applier, ctx.signal);
    try {
      const budget = this.opts.configBudgetBytes ?? MAX_GATEWAY_CONFIG_BYTES;
      const fitted = fitGatewayConfig(
        {
          namespace,
          gateway,
          routes: plan.served,
          models,
          resolver: dns.address,
          allowLocalEgress: this.opts.allowLocalEgress,
        },
        budget,
      );
      const { config } = fitted;
      tooLarge = new Set(fitted.tooLarge);
      if (fitted.tooLarge.length > 0) {
        ctx.logger.warn('gateway configuration full: newest routes left out', {
          served: fitted.served.length,
          leftOut: fitted.tooLarge.length,
        });
      }
      const children = renderGatewayChildren({
        namespace,
        gateway,
        routes: gatewayOwners(plan.members, fitted.served, tooLarge),
        apiKeySecrets: plan.apiKeySecrets.filter((name) => keySecrets.get(name)?.usable !== false),
        // A missing Secret is mounted (optional) like a missing key Secret, so that it applies once made;
        // one not marked for provider keys never reaches the pods. The AIModel's status says which.
        credentialSecrets: plan.credentialSecrets.filter(({ name }) => {
          const secret = secrets.get(name);
          return secret === undefined || holdsProviderCredentials(secret);
        }),
        config,
        pod: this.opts.pod,
      });
      hash = config.hash;
      const ref = { namespace, name: gatewayName };
      const cached = {
        configMap: this.opts.configMaps.get(ref),
        service: this.opts.services.get(ref),
        deployment: this.opts.deployments.get(ref),
      };
      await checkChildClaims(
        this.opts.api,
        gatewayClaim(gateway),
        [
          { resource: CONFIG_MAPS, ref, cached: cached.configMap },
          { resource: SERVICES, ref, cached: cached.service },
          { resource: DEPLOYMENTS, ref, cached: cached.deployment },
        ],
        ctx.signal,
      );
      await writer.apply(CONFIG_MAPS, children.configMap, cached.configMap);
      await writer.apply(SERVICES, children.service, cached.service);
      rollout = deploymentRollout(await writer.apply(DEPLOYMENTS, children.deployment, cached.deployment));
    } catch (err) {
      return reportApplyFailure(err, ctx, {
        doing: `applying gateway ${gatewayName}`,
        conflict: (conflict) => {
          ctx.logger.warn('gateway children held by objects the operator did not make', {
            foreign: conflict.foreign,
          });
          const outcome: RouteOutcome = {
            kind: 'rejected',
            reason: REASON.ChildConflict,
            message: conflict.message,
          };
          return this.reportAll(routes, (route) => plannedOutcome(route, plan) ?? outcome, ctx);
        },
        // Each route's Warning Event (ApplyFailed) is recorded as its status changes.
        failed: (message) =>
          this.reportAll(routes, (route) => plannedOutcome(route, plan) ?? { kind: 'failed', message }, ctx),
      });
    }
    if (writer.changes.length > 0) {
      ctx.logger.info('gateway updated', {
        changes: writer.changes,
        routes: routes.length,
        served: plan.served.length,
      });
    }
    const serving = configServing(hash, await this.opts.pods.reports(namespace, gateway, ctx.signal));
    const view: GatewayServing = { gatewayName, rollout, serving };
    await this.reportAll(
      routes,
      (route) =>
        plannedOutcome(route, plan) ??
        (tooLarge.has(route)
          ? tooLargeOutcome(gatewayName, this.opts.configBudgetBytes ?? MAX_GATEWAY_CONFIG_BYTES)
          : undefined) ??
        withShadowedModels(route, withKeySecret(route, servedOutcome(route, plan, view), keySecrets), plan),
      ctx,
    );
    const rechecks = [
      servingRecheckMs(serving),
      plan.apiKeySecrets.length + plan.credentialSecrets.length > 0 ? SECRET_RECHECK_MS : undefined,
    ];
    const recheck = Math.min(...rechecks.filter((ms) => ms !== undefined));
    return Number.isFinite(recheck) ? { requeueAfter: recheck } : undefined;
  }

  private async readSecrets(
    namespace: string,
    names: readonly string[],
    signal: AbortSignal,
  ): Promise<ReadSecrets> {
    const secrets: ReadSecrets = new Map();
    for (const name of new Set(names)) {
      try {
        secrets.set(
          name,
          await this.opts.api.get<KubeObject & ReadSecret>(SECRETS, { namespace, name }, { signal }),
        );
      } catch (err) {
        // A missing Secret stays mounted (optional): its keys apply as soon as it is created.
        if (!isNotFound(err)) throw err;
      }
    }
    return secrets;
  }

  private async reportAll(
    routes: readonly APIGatewayRouteV1[],
    outcomeOf: (route: APIGatewayRouteV1) => RouteOutcome,
    ctx: ReconcileContext,
  ): Promise<void> {
    for (const route of routes) await this.report(route, outcomeOf(route), ctx);
  }

  /** Writes the route's status if it changed, with an Event for a problem newly reported. */
  private async report(
    route: APIGatewayRouteV1,
    outcome: RouteOutcome,
    ctx: ReconcileContext,
  ): Promise<void> {
    const generation = route.metadata.generation;
    const { written } = await this.statuses.update(
      API_GATEWAY_ROUTES,
      route,
      // A newer spec arrived meanwhile: its own reconcile is coming, this outcome is not about it.
      (latest) =>
        latest.metadata.generation === generation
          ? computeRouteStatus(latest, outcome, this.opts.clock.now())
          : latest.status,
      { signal: ctx.signal },
    );
    const reason = warningReason(outcome);
    if (written && reason) {
      this.opts.events.event(route, {
        type: 'Warning',
        reason,
        action: 'Reconcile',
        note: outcome.message,
      });
    }
  }

  private async deleteChildren(namespace: string, gateway: string, ctx: ReconcileContext): Promise<void> {
    const ref = { namespace, name: gatewayChildName(gateway) };
    const writer = new ChildWriter(this.opts.api, this.opts.applier, ctx.signal);
    const children: [ResourceDescriptor, ConfigMap | Service | Deployment | undefined][] = [
      [DEPLOYMENTS, this.opts.deployments.get(ref)],
      [SERVICES, this.opts.services.get(ref)],
      [CONFIG_MAPS, this.opts.configMaps.get(ref)],
    ];
    const claim = gatewayClaim(gateway);
    for (const [resource, child] of children) {
      if (child && isClaimed(child, claim)) await writer.delete(resource, child);
    }
    if (writer.changes.length > 0)
      ctx.logger.info('gateway left without routes', { changes: writer.changes });
  }
}

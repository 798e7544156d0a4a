// Brings one AIModel's children to what its spec asks for and reports the outcome in its status.
// Children are applied only when the cache shows them different from what we want, so a steady state
// costs no writes; a child deleted or edited by hand comes back on the event that reports it. Nothing is
// written for a spec that fails validation, nor while an object the operator did not make holds the
// name of a child. The Secret of the model's provider key is read (not watched) on every reconcile and
// again a minute later: a missing, empty or unmarked one makes the model not Ready, but its children are
// applied all the same, as the model itself can be served.
import type { AIModelV1 } from '../../../shared/api/aimodel/v1.ts';
import { modelChildName } from '../../../shared/api/aimodel/names.ts';
import type { KubeObject } from '../../../shared/kube/meta-v1-types.ts';
import { isNotFound } from '../../../shared/kube/api-error.ts';
import type { KubeAPI } from '../../../shared/kube/kube-api.ts';
import type { ResourceDescriptor } from '../../../shared/kube/resource.ts';
import { CONFIG_MAPS, DEPLOYMENTS, SECRETS, SERVICES } from '../../../shared/kube/well-known-resources.ts';
import type { ConfigMap, Deployment, Service } from '../../children/kube-objects.ts';
import { modelClaim } from '../../children/child-claim.ts';
import { MODEL_LABEL } from '../../children/labels.ts';
import { deploymentRollout } from '../../status/deployment-rollout.ts';
import { READY, findCondition } from '../../status/conditions.ts';
import { computeModelStatus } from '../../status/model-status.ts';
import type { CredentialsProblem, ModelOutcome } from '../../status/model-status.ts';
import type { ServerSideApplier } from '../../runtime/apply/server-side-applier.ts';
import type { ObjectStore } from '../../runtime/cache/object-store.ts';
import type { Clock } from '../../../shared/time/clock.ts';
import { TerminalError } from '../../runtime/controller/reconciler.ts';
import type {
  ReconcileContext,
  ReconcileRequest,
  ReconcileResult,
  Reconciler,
} from '../../runtime/controller/reconciler.ts';
import type { EventRecorder } from '../../runtime/events/event-recorder.ts';
import { StatusWriter } from '../../runtime/status/status-writer.ts';
import type { StatusUpdateOutcome } from '../../runtime/status/status-writer.ts';
import { REASON } from '../../status/reasons.ts';
import { reportApplyFailure } from '../apply-failure.ts';
import { checkChildClaims } from '../child-conflicts.ts';
import type { ChildConflictError } from '../child-conflicts.ts';
import { ChildWriter } from '../child-writer.ts';
import { AI_MODELS } from '../custom-resources.ts';
import { credentialsProblem } from '../provider-credentials.ts';
import { SECRET_RECHECK_MS } from '../secret-marking.ts';
import type { ReadSecret } from '../secret-marking.ts';
import type { AdmissionPolicy } from '../../../shared/validation/admission-policy.ts';
import { planModelChildren } from './plan-model-children.ts';
import { namespaceOf } from '../../../shared/kube/object-key.ts';

type Cache<T extends AIModelV1 | ConfigMap | Service | Deployment> = Pick<ObjectStore<T>, 'get'>;

export interface AIModelReconcilerOptions {
  api: KubeAPI;
  applier: ServerSideApplier;
  models: Cache<AIModelV1>;
  configMaps: Cache<ConfigMap>;
  services: Cache<Service>;
  deployments: Cache<Deployment>;
  events: Pick<EventRecorder, 'event'>;
  clock: Clock;
  /** The installation's rules for models (--allow-local-egress, --allowed-model-images). */
  policy: AdmissionPolicy;
}

/** A child we made for this very model (not a namesake someone else owns). */
function ownedBy(child: Service | Deployment, model: AIModelV1): boolean {
  return (
    child.metadata.labels?.[MODEL_LABEL] === model.metadata.name &&
    (child.metadata.ownerReferences ?? []).some((r) => r.uid === model.metadata.uid && r.controller)
  );
}

/** Whether the model's status already tells the problem, so that a recheck repeats no Event. */
function alreadyReported(model: AIModelV1, problem: CredentialsProblem): boolean {
  const ready = findCondition(model.status?.conditions, READY);
  return ready?.reason === problem.reason && ready.message === problem.message;
}

export class AIModelReconciler implements Reconciler {
  private readonly opts: AIModelReconcilerOptions;

  private readonly statuses: StatusWriter;

  constructor(opts: AIModelReconcilerOptions) {
    this.opts = opts;
    this.statuses = new StatusWriter(opts.api);
  }

  async reconcile(request: ReconcileRequest, ctx: ReconcileContext): Promise<ReconcileResult | void> {
    const model = this.opts.models.get(request);
    // Deleted: the garbage collector removes the children through their owner references.
    if (!model || model.metadata.deletionTimestamp) return;

    const plan = planModelChildren(model, this.opts.policy);
    if (plan.kind === 'invalid') {
      this.opts.events.event(model, {
        type: 'Warning',
        reason: REASON.InvalidSpec,
        action: 'Reconcile',
        note: plan.message,
      });
      await this.writeStatus(model, { kind: 'invalid', message: plan.message }, ctx);
      throw new TerminalError(`AIModel ${request.namespace}/${request.name}: ${plan.message}`);
    }

    const credentials = await this.credentialsProblem(model, ctx.signal);
    let outcome: ModelOutcome;
    const writer = new ChildWriter(this.opts.api, this.opts.applier, ctx.signal);
    const ref = { namespace: request.namespace, name: modelChildName(request.name) };
    const cachedConfigMap = this.opts.configMaps.get(ref);
    const cachedService = this.opts.services.get(ref);
    const cachedDeployment = this.opts.deployments.get(ref);
    try {
      await checkChildClaims(
        this.opts.api,
        modelClaim(request.name),
        [
          { resource: CONFIG_MAPS, ref, cached: cachedConfigMap },
          ...(plan.service ? [{ resource: SERVICES, ref, cached: cachedService }] : []),
          ...(plan.kind === 'served' ? [{ resource: DEPLOYMENTS, ref, cached: cachedDeployment }] : []),
        ],
        ctx.signal,
      );
      await writer.apply(CONFIG_MAPS, plan.configMap, cachedConfigMap);
      if (plan.service) await writer.apply(SERVICES, plan.service, cachedService);
      else await this.deleteUnwanted(writer, SERVICES, cachedService, model);
      if (plan.kind === 'served') {
        const deployment = await writer.apply(DEPLOYMENTS, plan.deployment, cachedDeployment);
        outcome = {
          kind: 'served',
          endpoint: plan.endpoint,
          rollout: deploymentRollout(deployment),
          desiredReplicas: plan.deployment.spec.replicas ?? 1,
          ...(credentials ? { credentials } : {}),
        };
      } else {
        await this.deleteUnwanted(writer, DEPLOYMENTS, cachedDeployment, model);
        outcome = { kind: 'external', endpoint: plan.endpoint, ...(credentials ? { credentials } : {}) };
      }
    } catch (err) {
      return reportApplyFailure(err, ctx, {
        doing: 'applying the children',
        conflict: (conflict) => this.reportConflict(model, conflict, ctx),
        failed: (message) => {
          this.opts.events.event(model, {
            type: 'Warning',
            reason: REASON.ApplyFailed,
            action: 'Apply',
            note: message,
          });
          return this.writeStatus(model, { kind: 'failed', message }, ctx);
        },
      });
    }
    if (writer.changes.length > 0) {
      ctx.logger.info('children updated', { changes: writer.changes });
      this.opts.events.event(model, {
        type: 'Normal',
        reason: REASON.ChildrenUpdated,
        action: 'Apply',
        note: writer.changes.join(', '),
      });
    }
    const { written } = await this.writeStatus(model, outcome, ctx);
    if (written && credentials && !alreadyReported(model, credentials)) {
      this.opts.events.event(model, {
        type: 'Warning',
        reason: credentials.reason,
        action: 'Reconcile',
        note: credentials.message,
      });
    }
    if (model.spec.credentials === undefined) return;
    return { requeueAfter: SECRET_RECHECK_MS };
  }

  /** Why gateways cannot present the model's provider key; undefined when they can or it names none. */
  private async credentialsProblem(
    model: AIModelV1,
    signal: AbortSignal,
  ): Promise<CredentialsProblem | undefined> {
    const ref = model.spec.credentials?.secretKeyRef;
    if (ref === undefined) return undefined;
    const namespace = namespaceOf(model);
    let secret: ReadSecret | undefined;
    try {
      secret = await this.opts.api.get<KubeObject & ReadSecret>(
        SECRETS,
        { namespace, name: ref.name },
        { signal },
      );
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    return credentialsProblem(ref, namespace, secret);
  }

  /** Writes nothing for the model while objects it did not make hold its children's names. */
  private async reportConflict(
    model: AIModelV1,
    conflict: ChildConflictError,
    ctx: ReconcileContext,
  ): Promise<void> {
    ctx.logger.warn('children held by objects the operator did not make', { foreign: conflict.foreign });
    const { written } = await this.writeStatus(model, { kind: 'conflict', message: conflict.message }, ctx);
    if (written) {
      this.opts.events.event(model, {
        type: 'Warning',
        reason: REASON.ChildConflict,
        action: 'Reconcile',
        note: conflict.message,
      });
    }
  }

  /**
   * Deletes a child the spec no longer asks for: the Deployment of a model that moved from image to
   * endpoint, the Service of one whose endpoint became an IP address.
   */
  private async deleteUnwanted(
    writer: ChildWriter,
    resource: ResourceDescriptor,
    child: Service | Deployment | undefined,
    model: AIModelV1,
  ): Promise<void> {
    if (child && ownedBy(child, model)) await writer.delete(resource, child);
  }

  private async writeStatus(
    model: AIModelV1,
    outcome: ModelOutcome,
    ctx: ReconcileContext,
  ): Promise<StatusUpdateOutcome<AIModelV1>> {
    const generation = model.metadata.generation;
    return this.statuses.update(
      AI_MODELS,
      model,
      // A newer spec arrived meanwhile: it has its own reconcile coming, this outcome is not about it.
      (latest) =>
        latest.metadata.generation === generation
          ? computeModelStatus(latest, outcome, this.opts.clock.now())
          : latest.status,
      { signal: ctx.signal },
    );
  }
}

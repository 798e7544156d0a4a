// The AIModel controller: one key per model, reconciled on changes of its spec and of any of its
// children (so drift is repaired and Deployment progress reaches the status).
import type { Controller } from '../../runtime/controller/controller.ts';
import { enqueueForObject, generationChanged } from '../../runtime/handlers/enqueue.ts';
import type { Manager } from '../../runtime/manager/manager.ts';
import { MODEL_LABEL } from '../../children/labels.ts';
import type { ControllerDependencies } from '../controller-dependencies.ts';
import { enqueueOwnerFromLabel } from '../owned-by-label.ts';
import { DEFAULT_ADMISSION_POLICY } from '../../../shared/validation/admission-policy.ts';
import type { AdmissionPolicy } from '../../../shared/validation/admission-policy.ts';
import { AIModelReconciler } from './aimodel-reconciler.ts';

export interface AIModelSettings {
  /** The installation's rules for models (--allow-local-egress, --allowed-model-images), as the webhook's. */
  policy: AdmissionPolicy;
}

export function addAIModelController(
  manager: Pick<Manager, 'addController'>,
  deps: ControllerDependencies,
  settings: AIModelSettings = { policy: DEFAULT_ADMISSION_POLICY },
): Controller {
  const { caches } = deps;
  const reconciler = new AIModelReconciler({
    api: deps.api,
    applier: deps.applier,
    models: caches.models,
    configMaps: caches.configMaps,
    services: caches.services,
    deployments: caches.deployments,
    events: deps.events,
    clock: deps.clock,
    policy: settings.policy,
  });
  const controller = manager.addController({
    name: 'aimodel',
    reconciler,
    maxConcurrentReconciles: deps.workers,
  });
  // Status-only updates (our own writes among them) leave generation alone and need no reconcile.
  caches.models.feed(controller, enqueueForObject(generationChanged));
  caches.configMaps.feed(controller, enqueueOwnerFromLabel(MODEL_LABEL));
  caches.services.feed(controller, enqueueOwnerFromLabel(MODEL_LABEL));
  caches.deployments.feed(controller, enqueueOwnerFromLabel(MODEL_LABEL));
  return controller;
}

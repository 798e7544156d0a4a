// Both controllers of the operator running against the in-memory API with a fake clock: what the unit
// tests of the reconcilers drive. Nothing else runs there (no garbage collector, no Deployment
// controller), so tests play those parts themselves.
import { Registry } from 'prom-client';
import type { KubeObject } from '../../../shared/kube/meta-v1-types.ts';
import { FakeKubeAPI } from '../../../shared/kube/testing/fake-kube-api.ts';
import type { ObjectRef, ResourceDescriptor } from '../../../shared/kube/resource.ts';
import { silentLogger } from '../../../shared/logging/logger.ts';
import { APPLIED_HASH_ANNOTATION, FIELD_MANAGER } from '../../children/labels.ts';
import { ServerSideApplier } from '../../runtime/apply/server-side-applier.ts';
import type { EventInput } from '../../runtime/events/event-recorder.ts';
import { Manager } from '../../runtime/manager/manager.ts';
import { FakeClock } from '../../../shared/time/testing/fake-clock.ts';
import type { ControllerDependencies } from '../controller-dependencies.ts';
import { createOperatorCaches } from '../operator-caches.ts';

export interface RecordedEvent extends EventInput {
  kind: string;
  name: string;
}

export class OperatorHarness {
  readonly api: FakeKubeAPI;
  readonly clock: FakeClock;
  readonly events: RecordedEvent[] = [];
  readonly manager: Manager;
  readonly deps: ControllerDependencies;
  private run: Promise<number> | undefined;

  /** Pass the `api` and `clock` of an earlier harness to play a restart of the process. */
  constructor(opts: { namespaces?: string[]; api?: FakeKubeAPI; clock?: FakeClock } = {}) {
    this.api = opts.api ?? new FakeKubeAPI();
    this.clock = opts.clock ?? new FakeClock(Date.UTC(2026, 0, 1));
    this.manager = new Manager({
      api: this.api,
      clock: this.clock,
      logger: silentLogger,
      registry: new Registry(),
      random: () => 0,
    });
    this.deps = {
      api: this.api,
      caches: createOperatorCaches(this.manager.cache, opts.namespaces ?? []),
      applier: new ServerSideApplier({
        api: this.api,
        fieldManager: FIELD_MANAGER,
        hashAnnotation: APPLIED_HASH_ANNOTATION,
      }),
      events: {
        event: (regarding: KubeObject, input: EventInput) =>
          this.events.push({ kind: regarding.kind, name: regarding.metadata.name ?? '', ...input }),
      },
      clock: this.clock,
      workers: 2,
    };
  }

  start(): void {
    this.run = this.manager.run();
  }

  /** Lets every reconcile that is due run, including retries up to `ms` from now. */
  async settle(ms = 0): Promise<void> {
    await this.clock.advance(ms);
    for (let i = 0; i < 5; i++) await this.clock.advance(0);
  }

  async stop(): Promise<number | undefined> {
    this.manager.stop('test over');
    await this.clock.advance(60_000);
    return this.run;
  }

  get<T extends KubeObject>(resource: ResourceDescriptor, ref: ObjectRef): T | undefined {
    return this.api.peek<T>(resource, ref);
  }
}

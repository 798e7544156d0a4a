import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../../shared/kube/meta-v1-types.ts';
import { APIConnectionError } from '../../../shared/kube/api-error.ts';
import { FakeKubeAPI } from '../../../shared/kube/testing/fake-kube-api.ts';
import { EVENTS } from '../../../shared/kube/well-known-resources.ts';
import { silentLogger } from '../../../shared/logging/logger.ts';
import { FakeClock } from '../../../shared/time/testing/fake-clock.ts';
import { EventRecorder } from './event-recorder.ts';
import type { EventInput } from './event-recorder.ts';

const route: KubeObject = {
  apiVersion: 'gateway.example.com/v1',
  kind: 'APIGatewayRoute',
  metadata: { name: 'r1', namespace: 'team-a', uid: 'uid-r1', resourceVersion: '42' },
};

const invalid: EventInput = {
  type: 'Warning',
  reason: 'InvalidSpec',
  action: 'Reconcile',
  note: 'spec.path must start with /',
};

function setup(overrides: Partial<ConstructorParameters<typeof EventRecorder>[0]> = {}) {
  const api = new FakeKubeAPI();
  const clock = new FakeClock(Date.UTC(2026, 0, 1));
  const recorder = new EventRecorder({
    api,
    clock,
    logger: silentLogger,
    reportingController: 'gateway.example.com/ai-gateway-operator',
    reportingInstance: 'operator-0',
    ...overrides,
  });
  const events = async () => (await api.list(EVENTS, { namespace: 'team-a' })).items;
  return { api, clock, recorder, events };
}

describe('EventRecorder', () => {
  it('writes an events.k8s.io/v1 Event about the object', async () => {
    const { recorder, events } = setup();
    recorder.event(route, invalid);
    await recorder.flush();
    expect(await events()).toMatchObject([
      {
        apiVersion: 'events.k8s.io/v1',
        metadata: { namespace: 'team-a', name: expect.stringMatching(/^r1\.[0-9a-f]+$/) },
        eventTime: '2026-01-01T00:00:00.000000Z',
        reportingController: 'gateway.example.com/ai-gateway-operator',
        reportingInstance: 'operator-0',
        type: 'Warning',
        reason: 'InvalidSpec',
        action: 'Reconcile',
        note: 'spec.path must start with /',
        regarding: {
          apiVersion: 'gateway.example.com/v1',
          kind: 'APIGatewayRoute',
          name: 'r1',
          namespace: 'team-a',
          uid: 'uid-r1',
        },
      },
    ]);
  });

  it('folds a hot loop of the same event into one Event whose series is patched once per heartbeat', async () => {
    const { api, clock, recorder, events } = setup();
    for (let i = 0; i < 500; i++) {
      recorder.event(route, invalid);
      await clock.advance(10);
    }
    await clock.advance(30_000);
    await recorder.flush();
    const [event] = await events();
    expect(await events()).toHaveLength(1);
    expect(event?.series).toEqual({ count: 500, lastObservedTime: toMicro(Date.UTC(2026, 0, 1) + 4990) });
    expect(api.writeCount(EVENTS)).toBeLessThanOrEqual(3);
  });

  it('starts a new Event once the series window has passed', async () => {
    const { clock, recorder, events } = setup();
    recorder.event(route, invalid);
    await clock.advance(6 * 60_000);
    recorder.event(route, invalid);
    await recorder.flush();
    expect(await events()).toHaveLength(2);
  });

  it('caps the distinct Events one object can start, refilling slowly', async () => {
    const { clock, recorder, events } = setup({ burst: 3, refillEveryMs: 60_000 });
    for (let i = 0; i < 10; i++) recorder.event(route, { ...invalid, note: `attempt ${i}` });
    await recorder.flush();
    expect(await events()).toHaveLength(3);
    await clock.advance(60_000);
    recorder.event(route, { ...invalid, note: 'later' });
    await recorder.flush();
    expect(await events()).toHaveLength(4);
  });

  it('never throws when the API server refuses, and tries again on the next occurrence', async () => {
    const { api, recorder, events } = setup();
    api.failNext('create', new APIConnectionError('POST', '/events', new Error('ECONNREFUSED')));
    expect(() => recorder.event(route, invalid)).not.toThrow();
    await recorder.flush();
    recorder.event(route, invalid);
    await recorder.flush();
    expect(await events()).toHaveLength(1);
  });

  it('starts over when the Event it would update has expired on the server', async () => {
    const { api, clock, recorder, events } = setup();
    recorder.event(route, invalid);
    await recorder.flush();
    const [first] = await events();
    await api.delete(EVENTS, { namespace: 'team-a', name: first?.metadata.name ?? '' });
    recorder.event(route, invalid);
    await clock.advance(30_000);
    await recorder.flush();
    recorder.event(route, invalid);
    await recorder.flush();
    expect((await events()).map((e) => e.metadata.name)).not.toContain(first?.metadata.name);
    expect(await events()).toHaveLength(1);
  });
});

function toMicro(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '000Z');
}

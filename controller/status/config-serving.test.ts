import { describe, expect, it } from '@jest/globals';
import type { ReloaderStatus } from '../../shared/gateway/reloader-status.ts';
import { configServing, type PodReport } from './config-serving.ts';

const NEW = 'b'.repeat(64);
const OLD = 'a'.repeat(64);

function pod(name: string, status: Partial<ReloaderStatus>): PodReport {
  return {
    pod: name,
    kind: 'status',
    status: {
      mountedHash: NEW,
      loadedHash: NEW,
      refused: null,
      problem: null,
      lastReloadSeconds: 0.2,
      ...status,
    },
  };
}

describe('configServing', () => {
  it('is Serving once every ready pod runs the configuration', () => {
    expect(configServing(NEW, [pod('p1', {}), pod('p2', {})])).toEqual({ state: 'Serving', pods: 2 });
  });

  it('is Loading while a pod waits for the kubelet or for nginx, saying which', () => {
    expect(configServing(NEW, [pod('p1', {}), pod('p2', { mountedHash: OLD, loadedHash: OLD })])).toEqual({
      state: 'Loading',
      serving: 1,
      pods: 2,
      message: 'p2: the kubelet has not updated the mounted configuration yet',
    });
    expect(configServing(NEW, [pod('p1', { loadedHash: OLD })])).toMatchObject({
      state: 'Loading',
      message: 'p1: nginx is loading it',
    });
    expect(
      configServing(NEW, [pod('p1', { loadedHash: null, problem: 'nginx is not running: no pid file' })]),
    ).toMatchObject({ state: 'Loading', message: 'p1: nginx is not running: no pid file' });
    expect(configServing(NEW, [{ pod: 'p0', kind: 'no-reloader' }])).toMatchObject({
      state: 'Loading',
      message: 'p0 has no reloader and is due to be replaced',
    });
  });

  it('is Refused when nginx in any pod refused this configuration, whatever the others do', () => {
    const refused = pod('p2', { loadedHash: OLD, refused: { hash: NEW, error: 'unknown directive "x"' } });
    expect(configServing(NEW, [pod('p1', {}), refused])).toEqual({
      state: 'Refused',
      pod: 'p2',
      error: 'unknown directive "x"',
    });
    // A refusal of an older configuration says nothing about this one.
    expect(configServing(NEW, [pod('p1', { refused: { hash: OLD, error: 'old' } })]).state).toBe('Serving');
  });

  it('is Unreachable when a ready pod cannot be asked, and NoPods without ready pods', () => {
    const unreachable: PodReport = {
      pod: 'p2',
      kind: 'unreachable',
      address: '10.0.0.7:9901',
      problem: 'connect ECONNREFUSED',
    };
    expect(configServing(NEW, [pod('p1', {}), unreachable])).toEqual({
      state: 'Unreachable',
      pod: 'p2',
      address: '10.0.0.7:9901',
      problem: 'connect ECONNREFUSED',
    });
    expect(configServing(NEW, [])).toEqual({ state: 'NoPods' });
  });
});

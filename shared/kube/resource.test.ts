import { describe, expect, it } from '@jest/globals';
import {
  collectionPath,
  customResource,
  describeResource,
  objectPath,
  ResourcePathError,
} from './resource.ts';
import { CONFIG_MAPS, DEPLOYMENTS } from './well-known-resources.ts';

const NAMESPACES = { group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', namespaced: false };

describe('resource paths', () => {
  it('puts core resources under /api and grouped ones under /apis', () => {
    expect(collectionPath(CONFIG_MAPS, 'ns')).toBe('/api/v1/namespaces/ns/configmaps');
    expect(collectionPath(DEPLOYMENTS, 'ns')).toBe('/apis/apps/v1/namespaces/ns/deployments');
    expect(collectionPath(DEPLOYMENTS)).toBe('/apis/apps/v1/deployments');
  });

  it('addresses objects and subresources, escaping names', () => {
    const routes = customResource({
      group: 'gateway.example.com',
      kind: 'APIGatewayRoute',
      plural: 'apigatewayroutes',
      hubVersion: 'v1',
    });
    expect(objectPath(routes, { namespace: 'team-a', name: 'r1' }, 'status')).toBe(
      '/apis/gateway.example.com/v1/namespaces/team-a/apigatewayroutes/r1/status',
    );
    expect(objectPath(NAMESPACES, { namespace: 'ignored', name: 'a b' })).toBe('/api/v1/namespaces/a%20b');
  });

  it('refuses a namespaced object without a namespace or any object without a name', () => {
    expect(() => objectPath(CONFIG_MAPS, { name: 'c' })).toThrow(ResourcePathError);
    expect(() => objectPath(CONFIG_MAPS, { namespace: 'ns', name: '' })).toThrow(/name is required/);
  });

  it('describes resources the way kubectl names them', () => {
    expect(describeResource(CONFIG_MAPS)).toBe('configmaps');
    expect(describeResource(DEPLOYMENTS)).toBe('deployments.apps');
  });
});

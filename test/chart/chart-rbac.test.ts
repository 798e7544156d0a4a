// Least privilege, rule by rule: any verb, resource or scope added to the chart must be added here too.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { renderChart } from './helm.ts';
import { VALUE_SETS } from './modes.ts';
import type { Deployment, PolicyRule, RBACRole, RenderedObject, RoleBinding } from './rendered-objects.ts';
import { findObject, flagValue, objectsOfKind } from './rendered-objects.ts';

const RELEASE = 'ai-gateway-operator';
const NAMESPACE = 'ai-gateway-operator';
const CONTROLLER = `${RELEASE}-controller`;
const WEBHOOK = `${RELEASE}-webhook`;
const CRDS = ['apigatewayroutes.gateway.example.com', 'aimodels.ai.example.com'];

const CONTROLLER_RULES: PolicyRule[] = [
  { apiGroups: ['gateway.example.com'], resources: ['apigatewayroutes'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['ai.example.com'], resources: ['aimodels'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['gateway.example.com'], resources: ['apigatewayroutes/status'], verbs: ['patch', 'update'] },
  { apiGroups: ['ai.example.com'], resources: ['aimodels/status'], verbs: ['patch', 'update'] },
  { apiGroups: ['gateway.example.com'], resources: ['apigatewayroutes/finalizers'], verbs: ['update'] },
  { apiGroups: ['ai.example.com'], resources: ['aimodels/finalizers'], verbs: ['update'] },
  {
    apiGroups: ['apps'],
    resources: ['deployments'],
    verbs: ['get', 'list', 'watch', 'create', 'patch', 'delete'],
  },
  {
    apiGroups: [''],
    resources: ['services', 'configmaps'],
    verbs: ['get', 'list', 'watch', 'create', 'patch', 'delete'],
  },
  { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['create', 'patch'] },
  // Get only (never list or watch): the API-key Secrets routes name, checked for their mark.
  { apiGroups: [''], resources: ['secrets'], verbs: ['get'] },
  // Read only: Gateway API's consent for a route to reach a Service of another namespace.
  {
    apiGroups: ['gateway.networking.k8s.io'],
    resources: ['referencegrants'],
    verbs: ['get', 'list', 'watch'],
  },
  // Read only: the addresses of the gateway pods' reloaders.
  { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
];

const INJECTION_RULES: PolicyRule[] = [
  {
    apiGroups: ['admissionregistration.k8s.io'],
    resources: ['validatingwebhookconfigurations'],
    resourceNames: [`${RELEASE}-validating`],
    verbs: ['get', 'update'],
  },
  {
    apiGroups: ['admissionregistration.k8s.io'],
    resources: ['mutatingwebhookconfigurations'],
    resourceNames: [`${RELEASE}-mutating`],
    verbs: ['get', 'update'],
  },
];

/** CA injection, or pointing their conversion at the Service and annotating them for cert-manager. */
const CRD_RULES: PolicyRule[] = [
  {
    apiGroups: ['apiextensions.k8s.io'],
    resources: ['customresourcedefinitions'],
    resourceNames: CRDS,
    verbs: ['get', 'update'],
  },
];

const REFERENCE_RULES: PolicyRule[] = [
  { apiGroups: [''], resources: ['services', 'configmaps'], verbs: ['get'] },
  { apiGroups: ['ai.example.com'], resources: ['aimodels'], verbs: ['get'] },
];

/** Only with webhook.referenceWarnings.secrets. */
const SECRET_REFERENCE_RULES: PolicyRule[] = [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }];

function everyRule(objects: readonly RenderedObject[]): PolicyRule[] {
  return [
    ...objectsOfKind<RBACRole>(objects, 'ClusterRole'),
    ...objectsOfKind<RBACRole>(objects, 'Role'),
  ].flatMap((r) => r.rules);
}

describe('RBAC with default values', () => {
  let objects: RenderedObject[];
  beforeAll(async () => {
    objects = await renderChart({ release: RELEASE, namespace: NAMESPACE });
  });

  it('grants the controller exactly what it reconciles with, cluster-wide', () => {
    expect(findObject<RBACRole>(objects, 'ClusterRole', CONTROLLER).rules).toEqual(CONTROLLER_RULES);
    const binding = findObject<RoleBinding>(objects, 'ClusterRoleBinding', CONTROLLER);
    expect(binding.roleRef).toMatchObject({ kind: 'ClusterRole', name: CONTROLLER });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: CONTROLLER, namespace: NAMESPACE }]);
  });

  it('lets the controller touch only its own Lease, which the chart creates for it', async () => {
    const lease = findObject<RenderedObject & { spec?: unknown }>(objects, 'Lease', CONTROLLER);
    expect(lease.metadata.namespace).toBe(NAMESPACE);
    expect(lease.spec).toBeUndefined();
    const role = findObject<RBACRole>(objects, 'Role', `${CONTROLLER}-leader-election`);
    expect(role.metadata.namespace).toBe(NAMESPACE);
    expect(role.rules).toEqual([
      {
        apiGroups: ['coordination.k8s.io'],
        resources: ['leases'],
        resourceNames: [CONTROLLER],
        verbs: ['get', 'update'],
      },
    ]);
    findObject<RoleBinding>(objects, 'RoleBinding', `${CONTROLLER}-leader-election`);
  });

  it('lets the webhook inject its CA into its own configurations and CRDs only, and read referenced objects', () => {
    expect(findObject<RBACRole>(objects, 'ClusterRole', WEBHOOK).rules).toEqual([
      ...INJECTION_RULES,
      ...CRD_RULES,
      ...REFERENCE_RULES,
    ]);
    expect(findObject<RoleBinding>(objects, 'ClusterRoleBinding', WEBHOOK).subjects).toEqual([
      { kind: 'ServiceAccount', name: WEBHOOK, namespace: NAMESPACE },
    ]);
  });

  it('lets the webhook read and update its certificate Secret, by name, and create none', () => {
    const role = findObject<RBACRole>(objects, 'Role', `${WEBHOOK}-certificates`);
    expect(role.rules).toEqual([
      {
        apiGroups: [''],
        resources: ['secrets'],
        resourceNames: [`${WEBHOOK}-certs`],
        verbs: ['get', 'update'],
      },
    ]);
    // Besides the controller's get of key Secrets: nothing else touches Secrets.
    const secretRules = everyRule(objects).filter((r) => r.resources.includes('secrets'));
    expect(secretRules.flatMap((r) => r.verbs).sort()).toEqual(['get', 'get', 'update']);
  });

  it('lets the webhook read Secrets (for reference warnings) only when a value asks for it', async () => {
    const webhookFlag = (objects: readonly RenderedObject[]) =>
      flagValue(
        findObject<Deployment>(objects, 'Deployment', WEBHOOK).spec.template.spec.containers[0]?.args ?? [],
        'secret-reference-checks',
      );
    expect(webhookFlag(objects)).toBe('false');
    const asked = await renderChart({ values: { webhook: { referenceWarnings: { secrets: true } } } });
    expect(findObject<RBACRole>(asked, 'ClusterRole', WEBHOOK).rules).toEqual([
      ...INJECTION_RULES,
      ...CRD_RULES,
      ...REFERENCE_RULES,
      ...SECRET_REFERENCE_RULES,
    ]);
    expect(webhookFlag(asked)).toBe('true');
    const off = await renderChart({
      values: { webhook: { referenceWarnings: { enabled: false, secrets: true } } },
    });
    expect(findObject<RBACRole>(off, 'ClusterRole', WEBHOOK).rules).toEqual([
      ...INJECTION_RULES,
      ...CRD_RULES,
    ]);
    expect(webhookFlag(off)).toBe('false');
  });

  it('grants create on nothing but the objects the controller owns and its Events', () => {
    const creatable = everyRule(objects)
      .filter((r) => r.verbs.includes('create'))
      .flatMap((r) => r.resources);
    expect(creatable.sort()).toEqual(['configmaps', 'deployments', 'events', 'services']);
  });

  it('uses no wildcards and never escalates', () => {
    for (const rule of everyRule(objects)) {
      for (const list of [rule.apiGroups, rule.resources, rule.verbs]) expect(list).not.toContain('*');
      for (const verb of ['escalate', 'bind', 'impersonate', 'deletecollection'])
        expect(rule.verbs).not.toContain(verb);
    }
  });
});

describe('RBAC with other values', () => {
  it('binds the controller in the watched namespaces only, plus reading the cluster DNS Service', async () => {
    const objects = await renderChart({ values: { controller: { watchNamespaces: ['team-a', 'team-b'] } } });
    expect(objectsOfKind(objects, 'ClusterRoleBinding').map((b) => b.metadata.name)).toEqual([WEBHOOK]);
    const bindings = objectsOfKind<RoleBinding>(objects, 'RoleBinding').filter(
      (b) => b.roleRef.kind === 'ClusterRole',
    );
    expect(bindings.map((b) => [b.metadata.namespace, b.roleRef.name])).toEqual([
      ['team-a', CONTROLLER],
      ['team-b', CONTROLLER],
    ]);
    const dns = findObject<RBACRole>(objects, 'Role', `${CONTROLLER}-dns`);
    expect(dns.metadata.namespace).toBe('kube-system');
    expect(dns.rules).toEqual([
      { apiGroups: [''], resources: ['services'], resourceNames: ['kube-dns'], verbs: ['get'] },
    ]);
  });

  it('needs no DNS lookup permission when the resolver is given', async () => {
    const objects = await renderChart({
      values: { gateway: { resolver: '10.96.0.10' }, controller: { watchNamespaces: ['team-a'] } },
    });
    expect(objectsOfKind(objects, 'Role').map((r) => r.metadata.name)).not.toContain(`${CONTROLLER}-dns`);
  });

  it('drops the Lease and its permissions without leader election', async () => {
    const objects = await renderChart({ values: { controller: { leaderElection: { enabled: false } } } });
    expect(everyRule(objects).filter((r) => r.resources.includes('leases'))).toEqual([]);
    expect(objectsOfKind(objects, 'Lease')).toEqual([]);
  });

  it.each(['certManager', 'secret'] as const)(
    'gives the webhook no Secret or webhook configuration permissions when %s provides the certificate, only its CRDs',
    async (mode) => {
      const objects = await renderChart({ values: VALUE_SETS[mode] });
      expect(findObject<RBACRole>(objects, 'ClusterRole', WEBHOOK).rules).toEqual([
        ...CRD_RULES,
        ...REFERENCE_RULES,
      ]);
      expect(objectsOfKind(objects, 'Role').map((r) => r.metadata.name)).toEqual([
        `${CONTROLLER}-leader-election`,
      ]);
    },
  );

  it('gives the webhook only its CRDs without reference warnings', async () => {
    const objects = await renderChart({
      values: {
        webhook: { ...(VALUE_SETS.certManager!.webhook as object), referenceWarnings: { enabled: false } },
      },
    });
    expect(findObject<RBACRole>(objects, 'ClusterRole', WEBHOOK).rules).toEqual(CRD_RULES);
    const deployment = findObject<RenderedObject & { spec: { template: { spec: Record<string, unknown> } } }>(
      objects,
      'Deployment',
      WEBHOOK,
    );
    expect(deployment.spec.template.spec.automountServiceAccountToken).toBe(true);
  });
});

import { describe, expect, it } from '@jest/globals';
import type { AIModelV1 } from '../../../shared/api/aimodel/v1.ts';
import { contentHash } from '../../../shared/util/content-hash.ts';
import { CONFIG_HASH_ANNOTATION, MANAGED_BY_LABEL, MODEL_LABEL } from '../labels.ts';
import { MissingUIDError } from '../owner-references.ts';
import {
  InvalidEndpointError,
  externalEndpointURL,
  externalModelServiceURL,
  parseExternalEndpoint,
} from './external-endpoint.ts';
import { MODEL_CONFIG_KEY, renderModelConfigMap } from './model-config-map.ts';
import { renderModelDeployment } from './model-deployment.ts';
import { renderExternalModelService, renderModelService } from './model-service.ts';

function model(spec: Partial<AIModelV1['spec']> = {}): AIModelV1 {
  return {
    apiVersion: 'ai.example.com/v1',
    kind: 'AIModel',
    metadata: { name: 'gemma', namespace: 'ml', uid: 'uid-1', generation: 1 },
    spec: {
      modelName: 'gemma-2b-it',
      modelProvider: 'HuggingFace',
      modelVersion: 'v1.0',
      modelType: 'LLM',
      parameters: { temperature: 0.7 },
      image: 'ghcr.io/example/gemma:1',
      replicas: 2,
      port: 9000,
      resources: { requests: { cpu: 0.5, memory: '1024Mi' }, limits: { cpu: '2' } },
      env: [{ name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf', key: 'token' } } }],
      accessPolicies: ['team-a'],
      ...spec,
    },
  };
}

describe('model children', () => {
  it('renders the configuration ConfigMap, owned by the model', () => {
    const cm = renderModelConfigMap(model());
    expect(cm.metadata).toMatchObject({
      name: 'aim-gemma',
      namespace: 'ml',
      labels: { [MANAGED_BY_LABEL]: 'ai-gateway-operator', [MODEL_LABEL]: 'gemma' },
      ownerReferences: [
        { apiVersion: 'ai.example.com/v1', kind: 'AIModel', name: 'gemma', uid: 'uid-1', controller: true },
      ],
    });
    expect(JSON.parse(cm.data[MODEL_CONFIG_KEY] ?? '')).toEqual({
      modelName: 'gemma-2b-it',
      provider: 'HuggingFace',
      version: 'v1.0',
      type: 'LLM',
      parameters: { temperature: 0.7 },
      accessPolicies: ['team-a'],
    });
  });

  it('renders a restricted Deployment that serves the image on the model port', () => {
    const m = model();
    const cm = renderModelConfigMap(m);
    const d = renderModelDeployment(m, cm, m.spec.image ?? '');
    expect(d.spec.replicas).toBe(2);
    expect(d.spec.selector.matchLabels).toEqual({
      [MODEL_LABEL]: 'gemma',
      'app.kubernetes.io/component': 'model-server',
    });
    expect(d.spec.template.metadata.labels).toMatchObject(d.spec.selector.matchLabels);
    expect(d.spec.template.metadata.annotations?.[CONFIG_HASH_ANNOTATION]).toBe(contentHash(cm.data));
    const [container] = d.spec.template.spec.containers;
    expect(container).toMatchObject({
      image: 'ghcr.io/example/gemma:1',
      ports: [{ name: 'http', containerPort: 9000, protocol: 'TCP' }],
      env: [{ name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf', key: 'token' } } }],
      resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2' } },
      readinessProbe: { tcpSocket: { port: 'http' } },
      livenessProbe: { tcpSocket: { port: 'http' } },
      securityContext: {
        allowPrivilegeEscalation: false,
        runAsNonRoot: true,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      },
    });
    expect(d.spec.template.spec.volumes).toEqual([
      { name: 'model-config', configMap: { name: 'aim-gemma' } },
    ]);
  });

  it('renders env as the API server stores it, leaving out empty values', () => {
    const m = model({
      env: [
        { name: 'EMPTY', value: '' },
        { name: 'MODE', value: 'fast' },
        { name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf', key: 'token' } } },
      ],
    });
    const d = renderModelDeployment(m, renderModelConfigMap(m), m.spec.image ?? '');
    expect(d.spec.template.spec.containers[0]?.env).toEqual([
      { name: 'EMPTY' },
      { name: 'MODE', value: 'fast' },
      { name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf', key: 'token' } } },
    ]);
  });

  it('rolls the pods when the configuration changes, and only then', () => {
    const render = (m: AIModelV1) => renderModelDeployment(m, renderModelConfigMap(m), 'img');
    const hash = (m: AIModelV1) => render(m).spec.template.metadata.annotations?.[CONFIG_HASH_ANNOTATION];
    expect(hash(model())).toBe(hash(model({ replicas: 5 })));
    expect(hash(model())).not.toBe(hash(model({ parameters: { temperature: 0.2 } })));
  });

  it('defaults replicas and port when the webhook did not', () => {
    const m = model({ replicas: undefined, port: undefined });
    const d = renderModelDeployment(m, renderModelConfigMap(m), 'img');
    expect(d.spec.replicas).toBe(1);
    expect(d.spec.template.spec.containers[0]?.ports[0]?.containerPort).toBe(8080);
  });

  it('puts port 80 in front of the pods', () => {
    expect(renderModelService(model()).spec).toEqual({
      type: 'ClusterIP',
      selector: { [MODEL_LABEL]: 'gemma', 'app.kubernetes.io/component': 'model-server' },
      ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
    });
  });

  it('aliases an external model with an ExternalName Service and an in-cluster URL', () => {
    const endpoint = parseExternalEndpoint('https://api.huggingface.co:8443/gemma/v1/');
    expect(endpoint).toEqual({
      scheme: 'https',
      host: 'api.huggingface.co',
      aliasable: true,
      port: 8443,
      path: '/gemma/v1',
    });
    expect(renderExternalModelService(model(), endpoint).spec).toEqual({
      type: 'ExternalName',
      externalName: 'api.huggingface.co',
    });
    expect(externalModelServiceURL('gemma', 'ml', endpoint)).toBe('https://aim-gemma.ml.svc:8443/gemma/v1');
    expect(externalModelServiceURL('gemma', 'ml', parseExternalEndpoint('http://models.example'))).toBe(
      'http://aim-gemma.ml.svc',
    );
  });

  it('knows an endpoint at an IP address by its own URL, since no ExternalName can alias it', () => {
    const v4 = parseExternalEndpoint('http://10.0.0.5:8000/v1/');
    expect(v4).toMatchObject({ host: '10.0.0.5', aliasable: false });
    expect(externalEndpointURL(v4)).toBe('http://10.0.0.5:8000/v1');
    expect(externalEndpointURL(parseExternalEndpoint('https://[fd00::1]/'))).toBe('https://[fd00::1]');
  });

  it('explains endpoints it cannot use', () => {
    expect(() => parseExternalEndpoint('ftp://models.example')).toThrow(InvalidEndpointError);
    expect(() => parseExternalEndpoint('ftp://models.example')).toThrow(
      'must be an http or https URL, not ftp',
    );
    expect(() => parseExternalEndpoint('models.example')).toThrow('must be an absolute http or https URL');
    // An ExternalName Service could not alias it, and the credentials would reach every client.
    expect(() => parseExternalEndpoint('https://my_model.corp.example/v1')).toThrow(InvalidEndpointError);
    expect(() => parseExternalEndpoint('https://u:p@models.example/v1')).toThrow(
      'must not carry credentials',
    );
  });

  it('refuses to render children of an object that is not stored yet', () => {
    const m = model();
    delete m.metadata.uid;
    expect(() => renderModelConfigMap(m)).toThrow(MissingUIDError);
  });
});

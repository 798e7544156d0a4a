// The request bodies the benchmark sends: a typical AdmissionReview, and a ConversionReview of many objects
// of both versions, as the API server sends for a list.

const routeV1 = (i: number) => ({
  apiVersion: 'gateway.example.com/v1',
  kind: 'APIGatewayRoute',
  metadata: {
    name: `route-${i}`,
    namespace: 'bench',
    uid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    resourceVersion: String(1000 + i),
    generation: 1,
    labels: { team: 'bench' },
  },
  spec: {
    path: `/api/v1/items/${i}`,
    method: 'GET',
    destinationService: 'items',
    destinationPort: 8080,
    rateLimit: 100,
    gateway: 'default',
    pathMatch: 'PathPrefix',
    requestTimeoutSeconds: 60,
  },
});

const routeV1alpha1 = (i: number) => ({
  apiVersion: 'gateway.example.com/v1alpha1',
  kind: 'APIGatewayRoute',
  metadata: {
    name: `legacy-${i}`,
    namespace: 'bench',
    uid: `10000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    resourceVersion: String(5000 + i),
    generation: 2,
  },
  spec: {
    path: `/legacy/${i}`,
    targetService: `legacy-${i % 10}:9090`,
    authentication: true,
    rateLimit: { requestsPerMinute: 600 },
  },
});

export function admissionReviewBody(): string {
  return JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: '7f0f5d1c-8d2e-4c1b-9a7e-3c5b2d1e0f01',
      kind: { group: 'gateway.example.com', version: 'v1', kind: 'APIGatewayRoute' },
      resource: { group: 'gateway.example.com', version: 'v1', resource: 'apigatewayroutes' },
      name: 'route-1',
      namespace: 'bench',
      operation: 'CREATE',
      userInfo: { username: 'bench' },
      object: routeV1(1),
      oldObject: null,
      dryRun: false,
    },
  });
}

/** Half v1, half v1alpha1, all to be served as v1. */
export function conversionReviewBody(objects: number): string {
  return JSON.stringify({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'ConversionReview',
    request: {
      uid: '7f0f5d1c-8d2e-4c1b-9a7e-3c5b2d1e0f02',
      desiredAPIVersion: 'gateway.example.com/v1',
      objects: Array.from({ length: objects }, (_, i) => (i % 2 === 0 ? routeV1(i) : routeV1alpha1(i))),
    },
  });
}

// Value sets the chart tests render with: the defaults, each certificate mode, and development mode.
export const SECRET_MODE_CA_BUNDLE = Buffer.from(
  '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
).toString('base64');

export const VALUE_SETS: Record<string, Record<string, unknown>> = {
  defaults: {},
  certManager: { webhook: { certificates: { mode: 'certManager' } } },
  secret: {
    webhook: {
      certificates: { mode: 'secret', secret: { name: 'my-webhook-tls', caBundle: SECRET_MODE_CA_BUNDLE } },
    },
  },
  externalURL: { webhook: { externalURL: 'https://127.0.0.1:9443' } },
};

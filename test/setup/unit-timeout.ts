// Some unit tests run real programs (helm template for the chart, nginx -t, TLS handshakes):
// a loaded machine can make one take seconds. A stuck test still fails, but not for being slow.
import { jest } from '@jest/globals';

jest.setTimeout(60_000);

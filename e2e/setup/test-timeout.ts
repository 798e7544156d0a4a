// End-to-end tests wait on a real API server, controllers and processes: minutes, not seconds.
import { jest } from '@jest/globals';

jest.setTimeout(180_000);

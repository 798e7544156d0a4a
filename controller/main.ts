// Entry point of the controller process: `node controller/main.ts [flags]` or `node dist/controller/main.js`.
import { createLogger } from '../shared/logging/logger.ts';
import { ControllerConfigError, controllerUsage, parseControllerConfig } from './config.ts';
import { runControllerProcess } from './controller-process.ts';

async function main(argv: string[]): Promise<number> {
  let config;
  try {
    config = parseControllerConfig(argv, process.env);
  } catch (err) {
    if (!(err instanceof ControllerConfigError)) throw err;
    process.stderr.write(`controller: ${err.message}\n`);
    return 2;
  }
  if (config.help) {
    process.stdout.write(controllerUsage());
    return 0;
  }
  const logger = createLogger({ component: 'controller', level: config.logLevel });
  return runControllerProcess(config, logger, {
    on: (signal, listener) => process.on(signal, listener),
    off: (signal, listener) => process.off(signal, listener),
    exit: (code) => process.exit(code),
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(
      `${JSON.stringify({ level: 'error', component: 'controller', message: 'cannot start', error: (err as Error).message, timestamp: new Date().toISOString() })}\n`,
    );
    process.exit(1);
  },
);

// Entry point of the controller process: `node controller/main.ts [flags]` or `node dist/controller/main.js`.
import { commandName, FlagError, helpRequested } from '../shared/config/flags.ts';
import { createLogger } from '../shared/logging/logger.ts';
import { processSignals } from '../shared/process/signals.ts';
import { errorMessage } from '../shared/util/error-message.ts';
import { controllerUsage, parseControllerConfig } from './config.ts';
import { runControllerProcess } from './controller-process.ts';

async function main(argv: string[]): Promise<number> {
  if (helpRequested(argv)) {
    process.stdout.write(controllerUsage(commandName()));
    return 0;
  }
  let config;
  try {
    config = parseControllerConfig(argv, process.env);
  } catch (err) {
    if (!(err instanceof FlagError)) throw err;
    process.stderr.write(`controller: ${err.message}\n`);
    return 2;
  }
  const logger = createLogger({ component: 'controller', level: config.logLevel });
  return runControllerProcess(config, logger, processSignals);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(
      `${JSON.stringify({ level: 'error', component: 'controller', message: 'cannot start', error: errorMessage(err), timestamp: new Date().toISOString() })}\n`,
    );
    process.exit(1);
  },
);

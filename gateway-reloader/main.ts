// Entry point of the gateway reloader, the second container of every gateway pod:
// `node dist/gateway-reloader/main.js [flags]` from the operator's image, or `node gateway-reloader/main.ts`.
import { commandName, FlagError, helpRequested } from '../shared/config/flags.ts';
import { createLogger } from '../shared/logging/logger.ts';
import { processSignals, stopOnTerminationSignals } from '../shared/process/signals.ts';
import { errorMessage } from '../shared/util/error-message.ts';
import { parseReloaderOptions, reloaderUsage } from './reloader-options.ts';
import { Reloader } from './reloader.ts';
import { startStatusServer } from './status-server.ts';

async function main(argv: string[]): Promise<void> {
  if (helpRequested(argv)) {
    process.stdout.write(reloaderUsage(commandName()));
    return;
  }
  let options;
  try {
    options = parseReloaderOptions(argv, process.env);
  } catch (err) {
    if (!(err instanceof FlagError)) throw err;
    process.stderr.write(`gateway-reloader: ${err.message}\n`);
    process.exitCode = 2;
    return;
  }
  const logger = createLogger({ component: 'gateway-reloader', level: options.logLevel });
  const reloader = new Reloader(options, logger);
  // Serving first: the controller learns "nginx is not running yet" rather than nothing.
  const server = await startStatusServer(() => reloader.status(), options.statusHost, options.statusPort);
  logger.info('starting', {
    configDir: options.configDir,
    nginxURL: options.nginxURL,
    status: `${server.address.address}:${server.address.port}`,
  });
  await reloader.start();

  stopOnTerminationSignals(
    {
      stop: (reason) => {
        logger.info('stopping', { reason });
        Promise.all([reloader.stop(), server.close()]).then(
          () => logger.info('stopped'),
          (err: unknown) => {
            logger.error('stop failed', { error: errorMessage(err) });
            process.exitCode = 1;
          },
        );
      },
    },
    processSignals,
    logger,
  );
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(
    `${JSON.stringify({ level: 'error', component: 'gateway-reloader', message: 'cannot start', error: errorMessage(err), timestamp: new Date().toISOString() })}\n`,
  );
  process.exit(1);
});

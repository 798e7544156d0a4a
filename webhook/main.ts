// Entry point of the webhook process: `node webhook/main.ts [flags]` or `node dist/webhook/main.js`.
import { commandName, FlagError, helpRequested } from '../shared/config/flags.ts';
import { createLogger } from '../shared/logging/logger.ts';
import { processSignals, stopOnTerminationSignals } from '../shared/process/signals.ts';
import { errorMessage } from '../shared/util/error-message.ts';
import { parseWebhookOptions, webhookUsage } from './config/webhook-options.ts';
import { createSharedDomain } from './domain/shared-domain.ts';
import { startWebhookProcess } from './webhook-process.ts';

async function main(argv: string[]): Promise<void> {
  if (helpRequested(argv)) {
    process.stdout.write(webhookUsage(commandName()));
    return;
  }
  let options;
  try {
    options = parseWebhookOptions(argv);
  } catch (err) {
    if (!(err instanceof FlagError)) throw err;
    process.stderr.write(`webhook: ${err.message}\n`);
    process.exitCode = 2;
    return;
  }
  const logger = createLogger({ component: 'webhook', level: options.logLevel });
  const { allowLocalEgress, allowedModelImages } = options.admissionPolicy;
  logger.info('starting', {
    certMode: options.certMode,
    port: options.port,
    healthProbeBindAddress: options.healthProbeBindAddress,
    allowLocalEgress,
    allowedModelImages: allowedModelImages.length > 0 ? allowedModelImages.map((p) => p.text) : 'any',
  });
  const webhook = await startWebhookProcess(options, createSharedDomain(options.admissionPolicy), logger);

  // The first SIGTERM or SIGINT closes the servers and lets the process end; a second one exits at once.
  const stop = (reason: string) => {
    logger.info('stopping', { reason });
    webhook.stop().then(
      () => logger.info('stopped'),
      (err: unknown) => {
        logger.error('stop failed', { error: errorMessage(err) });
        process.exitCode = 1;
      },
    );
  };
  stopOnTerminationSignals({ stop }, processSignals, logger);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(
    `${JSON.stringify({ level: 'error', component: 'webhook', message: 'cannot start', error: errorMessage(err), timestamp: new Date().toISOString() })}\n`,
  );
  process.exit(1);
});

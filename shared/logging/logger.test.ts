import { describe, expect, it } from '@jest/globals';
import { PassThrough } from 'node:stream';
import { createLogger } from './logger.ts';

async function lines(
  write: (logger: ReturnType<typeof createLogger>) => void,
): Promise<Record<string, unknown>[]> {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  write(createLogger({ component: 'webhook', level: 'warn', stream }));
  await new Promise((resolve) => setImmediate(resolve));
  return text
    .trim()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('createLogger', () => {
  it('writes JSON lines at and above its level, with the fields of the call and of its children', async () => {
    const written = await lines((logger) => {
      const child = logger.child({ namespace: 'team-a', name: 'chat' });
      child.debug('not written', { k: 0 });
      child.info('not written either', { k: 1 });
      child.warn('written', { k: 2 });
      logger.error('also written', { error: 'boom' });
    });
    expect(written).toEqual([
      expect.objectContaining({
        level: 'warn',
        message: 'written',
        k: 2,
        namespace: 'team-a',
        name: 'chat',
        component: 'webhook',
      }),
      expect.objectContaining({
        level: 'error',
        message: 'also written',
        error: 'boom',
        component: 'webhook',
      }),
    ]);
  });
});

// `npm run generate` writes the generated files; `npm run generate:check` fails when any is stale.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatedFiles } from './generated-files.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const check = process.argv.includes('--check');
const stale: string[] = [];

for (const [relative, content] of generatedFiles()) {
  const path = join(root, relative);
  let current: string | undefined;
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === content) continue;
  if (check) {
    stale.push(relative);
  } else {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    console.log(`wrote ${relative}`);
  }
}

if (stale.length > 0) {
  console.error(`generated files are stale (run \`npm run generate\`): ${stale.join(', ')}`);
  process.exit(1);
}

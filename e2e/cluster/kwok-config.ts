// kwok's configuration file: the Stage manifests that build.sh copied out of the kwok module, as one
// multi-document YAML (kwok reads Stage objects from its --config files).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function writeKwokConfig(path: string, stagesDir: string): void {
  const stages = readdirSync(stagesDir)
    .filter((file) => file.endsWith('.yaml'))
    .sort()
    .map((file) => readFileSync(join(stagesDir, file), 'utf8').trim());
  if (stages.length === 0) throw new Error(`no kwok Stage manifests (*.yaml) in ${stagesDir}`);
  writeFileSync(path, `${stages.join('\n---\n')}\n`);
}

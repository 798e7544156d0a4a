// A Secret volume as the kubelet lays it out, for tests of what reads one: the data in a timestamped
// directory, `..data` linking to it, and one link per data key. An update writes a new directory and
// swaps `..data` in one rename, so a reader sees either the old or the new data, never a mix.
import { mkdir, readdir, readlink, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

let generation = 0;

/** Writes `data` as the volume's content at `directory`, replacing what it held. */
export async function writeSecretVolume(directory: string, data: Record<string, string>): Promise<void> {
  await mkdir(directory, { recursive: true, mode: 0o755 });
  const previous = await readlink(join(directory, '..data')).catch(() => undefined);
  generation += 1;
  const snapshot = `..${new Date().toISOString().replace(/[-:.TZ]/g, '_')}${generation}`;
  await mkdir(join(directory, snapshot), { mode: 0o755 });
  for (const [key, value] of Object.entries(data)) {
    await writeFile(join(directory, snapshot, key), value, { mode: 0o644 });
  }
  await symlink(snapshot, join(directory, '..data_tmp'));
  await rename(join(directory, '..data_tmp'), join(directory, '..data'));
  const entries = await readdir(directory);
  for (const entry of entries) {
    if (!entry.startsWith('.') && !(entry in data)) await rm(join(directory, entry));
  }
  for (const key of Object.keys(data)) {
    if (!entries.includes(key)) await symlink(join('..data', key), join(directory, key));
  }
  if (previous) await rm(join(directory, previous), { recursive: true, force: true });
}

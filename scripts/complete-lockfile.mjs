// Adds to package-lock.json the platform-specific optional packages (other operating systems and CPUs)
// that a registry without them leaves out; without their entries `npm ci` refuses the lock file. npm
// skips them at install time, as optional packages for another platform. Run after `npm install`.
import { readFileSync, writeFileSync } from 'node:fs';
import process from 'node:process';
import { URL } from 'node:url';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const PLATFORM = /-(darwin|linux|win32|freebsd|android|openharmony|sunos|aix|wasm32)-?([a-z0-9]+)?/;
let added = 0;
for (const [location, entry] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const base = location === '' ? 'node_modules' : `${location}/node_modules`;
    const candidates = [`${base}/${name}`, `node_modules/${name}`];
    if (candidates.some((c) => lock.packages[c])) continue;
    const match = PLATFORM.exec(name);
    const added_entry = { version, optional: true };
    if (entry.dev) added_entry.dev = true;
    if (match) {
      added_entry.os = [match[1] === 'wasm32' ? 'wasm32' : match[1]];
      if (match[2]) added_entry.cpu = [match[2].replace(/^(gnu|musl|msvc)$/, '')].filter(Boolean);
    }
    lock.packages[`node_modules/${name}`] = added_entry;
    added += 1;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
);
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
process.stdout.write(`added ${added} platform-specific optional packages to package-lock.json\n`);

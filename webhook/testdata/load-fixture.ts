// Reads a recorded review body from this folder.
import { readFileSync } from 'node:fs';

export function loadFixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(name, import.meta.url), 'utf8')) as Record<string, unknown>;
}

export function loadFixtureText(name: string): string {
  return readFileSync(new URL(name, import.meta.url), 'utf8');
}

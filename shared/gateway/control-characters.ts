// ASCII control characters (U+0000 to U+001F and U+007F), which have no place in paths, hosts, header
// values or configuration comments. Checked by code point rather than by a regex of control characters.

export function hasControlCharacter(value: string, allowed: string = ''): boolean {
  for (const character of value) {
    const code = character.codePointAt(0) ?? 0;
    if ((code < 0x20 || code === 0x7f) && !allowed.includes(character)) return true;
  }
  return false;
}

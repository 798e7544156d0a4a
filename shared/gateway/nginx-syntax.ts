// How values are written into nginx configuration tokens. Every value that comes from a route is written
// as one double-quoted token, so no character in it can end the token, the directive (`;`) or the block
// (`}`); nginx reads the escapes \\ \" \n \r \t inside quotes back to the characters they stand for.
import { hasControlCharacter } from './control-characters.ts';
import { UnsafeNginxValueError } from './errors.ts';

// Tab, newline and carriage return have escapes; the other control characters have none and no place in
// a path, host or header value.
const ESCAPABLE_CONTROL = '\t\n\r';
const QUOTE_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  '"': '\\"',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/** A quoted token for contexts without variables: location paths, map keys and regular expressions. */
export function quotedLiteral(value: string): string {
  if (hasControlCharacter(value, ESCAPABLE_CONTROL)) {
    throw new UnsafeNginxValueError(value, 'control characters other than tab, newline and carriage return');
  }
  return `"${value.replace(/[\\"\n\r\t]/g, (c) => QUOTE_ESCAPES[c] ?? c)}"`;
}

/**
 * A quoted token for contexts where nginx expands `$variables` (set, map values, return texts, headers,
 * proxy_pass). nginx has no escape for `$`, so a value holding one is refused.
 */
export function quotedText(value: string): string {
  if (value.includes('$')) throw new UnsafeNginxValueError(value, '"$" would be read as a variable');
  return quotedLiteral(value);
}

const PCRE_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** A PCRE pattern matching exactly `value`: every ASCII character but letters, digits and `_` escaped. */
export function pcreLiteral(value: string): string {
  return value.replace(/[^A-Za-z0-9_\u0080-\uffff]/g, (c) => PCRE_ESCAPES[c] ?? `\\${c}`);
}

/**
 * A single-quoted token for text the renderer writes itself, such as JSON bodies and the log format;
 * `$variables` in it are expanded. Such text never needs a quote, a backslash or a control character.
 */
export function quotedTemplate(value: string): string {
  if (/['\\]/.test(value) || hasControlCharacter(value)) {
    throw new UnsafeNginxValueError(value, 'a template holds no quote, backslash or control character');
  }
  return `'${value}'`;
}

import { describe, expect, it } from '@jest/globals';
import { parseNginxConfig } from './nginx-config-parser.ts';

describe('parseNginxConfig', () => {
  it('reads directives, blocks, quoted tokens with escapes, and skips comments', () => {
    const parsed = parseNginxConfig(
      'http { # a comment with ; { }\n  map "$a\\n${b}x" $c { "~^\\"q\\\\$" 1; default \'\'; }\n}\n',
    );
    expect(parsed).toHaveLength(1);
    const map = parsed[0]?.children?.[0];
    expect(map?.name).toBe('map');
    expect(map?.args.map((a) => [a.value, a.quoted])).toEqual([
      ['$a\n${b}x', true],
      ['$c', false],
    ]);
    expect(map?.children?.map((d) => [d.name, d.args[0]?.value])).toEqual([
      ['~^"q\\$', '1'],
      ['default', ''],
    ]);
  });

  it('keeps ${ inside an unquoted token and ends such a token at ; or {', () => {
    const parsed = parseNginxConfig('set $x ${a}b;location @n{return 200;}');
    expect(parsed.map((d) => [d.name, d.args.map((a) => a.value)])).toEqual([
      ['set', ['$x', '${a}b']],
      ['location', ['@n']],
    ]);
  });

  it('reports what nginx would refuse', () => {
    expect(() => parseNginxConfig('http {')).toThrow(/expecting "}"/);
    expect(() => parseNginxConfig('}')).toThrow(/unexpected "}"/);
    expect(() => parseNginxConfig('a "b"c;')).toThrow(/after a quoted token/);
    expect(() => parseNginxConfig('a "b;')).toThrow(/unterminated/);
    expect(() => parseNginxConfig('a b')).toThrow(/expecting ";" or "{"/);
  });
});

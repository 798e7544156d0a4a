// Reads nginx configuration text back into directives and blocks the way nginx's own tokenizer does
// (ngx_conf_read_token): quoted tokens with backslash escapes, `#` comments at a token's start, `;`, `{`
// and `}` as structure, `${` inside an unquoted token as part of a variable. Tests use it to check what
// nginx would see in a rendered configuration.

interface ParsedToken {
  /** The token as written, quotes included. */
  raw: string;
  quoted: boolean;
  /** The token as nginx hands it to a directive: quotes removed, \\ \" \' \n \r \t unescaped. */
  value: string;
}

export interface ParsedDirective {
  name: string;
  args: ParsedToken[];
  /** Present for a block directive. */
  children?: ParsedDirective[];
  line: number;
}

class NginxParseError extends Error {
  readonly line: number;
  constructor(line: number, problem: string) {
    super(`line ${line}: ${problem}`);
    this.name = 'NginxParseError';
    this.line = line;
  }
}

type Lexeme = { kind: 'token'; token: ParsedToken; line: number } | { kind: ';' | '{' | '}'; line: number };

const UNESCAPES: Record<string, string> = { '"': '"', "'": "'", '\\': '\\', n: '\n', r: '\r', t: '\t' };

function unescape(text: string): string {
  return text.replace(/\\(["'\\nrt])/g, (_match, c: string) => UNESCAPES[c] ?? c);
}

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n';
}

function lex(text: string): Lexeme[] {
  const lexemes: Lexeme[] = [];
  let i = 0;
  let line = 1;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '\n') line += 1;
    if (isSpace(c)) {
      i += 1;
    } else if (c === '#') {
      while (i < text.length && text[i] !== '\n') i += 1;
    } else if (c === ';' || c === '{' || c === '}') {
      lexemes.push({ kind: c, line });
      i += 1;
    } else if (c === '"' || c === "'") {
      const start = i;
      i += 1;
      while (i < text.length && text[i] !== c) {
        if (text[i] === '\\') i += 1;
        if (text[i] === '\n') line += 1;
        i += 1;
      }
      if (i >= text.length) throw new NginxParseError(line, 'unterminated quoted token');
      i += 1;
      const raw = text.slice(start, i);
      lexemes.push({ kind: 'token', token: { raw, quoted: true, value: unescape(raw.slice(1, -1)) }, line });
      const next = text[i];
      if (next !== undefined && !isSpace(next) && next !== ';' && next !== '{' && next !== ')') {
        throw new NginxParseError(line, `unexpected "${next}" after a quoted token`);
      }
    } else {
      const start = i;
      while (i < text.length) {
        const d = text[i] as string;
        if (d === '\\') {
          i += 2;
          continue;
        }
        if (d === '{' && text[i - 1] === '$') {
          i += 1;
          continue;
        }
        if (isSpace(d) || d === ';' || d === '{') break;
        i += 1;
      }
      const raw = text.slice(start, i);
      lexemes.push({ kind: 'token', token: { raw, quoted: false, value: unescape(raw) }, line });
    }
  }
  return lexemes;
}

/** Throws NginxParseError where nginx would report a syntax error. */
export function parseNginxConfig(text: string): ParsedDirective[] {
  const lexemes = lex(text);
  let position = 0;
  const parseBlock = (depth: number): ParsedDirective[] => {
    const directives: ParsedDirective[] = [];
    for (;;) {
      const first = lexemes[position];
      if (first === undefined) {
        if (depth > 0)
          throw new NginxParseError(lexemes.at(-1)?.line ?? 0, 'unexpected end of file, expecting "}"');
        return directives;
      }
      if (first.kind === '}') {
        if (depth === 0) throw new NginxParseError(first.line, 'unexpected "}"');
        position += 1;
        return directives;
      }
      if (first.kind !== 'token') throw new NginxParseError(first.line, `unexpected "${first.kind}"`);
      const args: ParsedToken[] = [];
      position += 1;
      for (;;) {
        const next = lexemes[position];
        if (next === undefined)
          throw new NginxParseError(first.line, 'unexpected end of file, expecting ";" or "{"');
        position += 1;
        if (next.kind === 'token') {
          args.push(next.token);
        } else if (next.kind === ';') {
          directives.push({ name: first.token.value, args, line: first.line });
          break;
        } else if (next.kind === '{') {
          directives.push({
            name: first.token.value,
            args,
            children: parseBlock(depth + 1),
            line: first.line,
          });
          break;
        } else {
          throw new NginxParseError(next.line, 'unexpected "}" inside a directive');
        }
      }
    }
  };
  return parseBlock(0);
}

/** Every directive, depth first, with the names of the blocks around it. */
export function* walkDirectives(
  directives: readonly ParsedDirective[],
  path: string[] = [],
): Generator<{ directive: ParsedDirective; path: string[] }> {
  for (const directive of directives) {
    yield { directive, path };
    if (directive.children) yield* walkDirectives(directive.children, [...path, directive.name]);
  }
}

// The gateway refuses (400) a request whose path, as the client sent it, could be read as another path
// than the one its route was chosen on. nginx chooses the route on the normalized path ($uri: escapes
// decoded, dot segments resolved, `//` merged, cut at `#`) but passes the path on as it was sent
// ($request_uri): `/secure/..%2Fhello` is chosen as `/hello`, and a backend that decodes before it
// splits segments, or reads `..;` as `..` (Tomcat) or `\` as `/` (WHATWG URL), serves it under `/secure`
// without the API key `/secure` requires. Refused are the forms backends read differently from nginx or
// from each other; in any other path the raw and the normalized form name the same segments, so it is
// passed on unchanged.
import { block, directive, type NginxNode } from './nginx-config-text.ts';
import { quotedLiteral, quotedTemplate } from './nginx-syntax.ts';

const REFUSED_PATH_VARIABLE = '$gw_refused_path';

/**
 * What the path (the request URI before `?`) may not hold, case-insensitively. PCRE read byte by byte, as
 * nginx compiles it: `\xC0` is the byte, not a character.
 */
const REFUSED_FORMS = [
  // An escaped delimiter ("/", "\", ";", "?", "#") or dot acts as one for a server that decodes before it
  // parses the path; where the path is rewritten for a model endpoint, nginx itself passes ";" on decoded.
  '%(?:2f|5c|3b|3f|23|2e)',
  // An escaped "%": a server that decodes twice reads another path (`%252e` as `.`).
  '%25',
  // Overlong UTF-8, escaped or raw: lead bytes that only spell ASCII characters (`%C0%AE` is a "." to a
  // lax decoder) and those of sequences longer than UTF-8 allows.
  '%(?:c[01]|e0%[89]|f0%8|f[89a-f])',
  '[\\xC0\\xC1\\xF8-\\xFF]|\\xE0[\\x80-\\x9F]|\\xF0[\\x80-\\x8F]',
  // "\" is a separator to WHATWG URL parsers and Windows; ";" starts path parameters (`..;` is `..` to
  // Tomcat); nginx ends its path at "#" but passes on what follows.
  '[\\\\;#]',
  // Segments nginx merges or resolves but passes on as they are.
  '//',
  '/\\.\\.?(?:[/?]|$)',
];

/** The refused paths as one PCRE over $request_uri, for a `~*` map key. */
export const REFUSED_PATH_PATTERN = `^[^?]*(?:${REFUSED_FORMS.join('|')})`;

/** The map, at http level, marking requests whose path is refused. */
export function refusedPathMap(): NginxNode {
  return block(
    'map',
    ['$request_uri', REFUSED_PATH_VARIABLE],
    [directive(quotedLiteral(`~*${REFUSED_PATH_PATTERN}`), 1), directive('default', '""')],
  );
}

const REFUSAL = {
  error: 'BadRequest',
  message:
    'the request path holds a form the gateway refuses: an escaped slash, backslash, semicolon, question ' +
    'mark, number sign, dot or percent sign; a backslash, semicolon or number sign; overlong UTF-8; an ' +
    'empty, dot or dot-dot segment',
};

/**
 * The check, at server level: it runs before a location is chosen, so it holds for every location, the
 * API-key check and model endpoint rewrites included. The answer carries its body itself, as error_page
 * cannot send nginx's own 400s (a request line it could not parse) to a named location.
 */
export function refusedPathCheck(): NginxNode {
  return block(
    'if',
    [`(${REFUSED_PATH_VARIABLE})`],
    [directive('return', 400, quotedTemplate(JSON.stringify(REFUSAL)))],
  );
}

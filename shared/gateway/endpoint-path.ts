// The path of a model endpoint as the replacement of a rewrite. nginx takes a rewritten path as decoded
// and percent-encodes it again when it proxies (space, "#", "%", "?", control and non-ASCII bytes), so the
// endpoint's path is written decoded: `/my%20models` then reaches the model as `/my%20models`, not as
// `/my%2520models`. An escape nginx would not encode again is refused, as sending it decoded would name
// another path (`%2F`, a slash), start the arguments (`%3F`), or change what RFC 3986 lets a server read
// differently from its escape (`%3B`, `;`); escapes of unreserved characters are equal to them and stay.

export type EndpointPath = { path: string } | { problem: string };

// RFC 3986 unreserved characters, whose escapes name the same path as the characters themselves.
const UNRESERVED = /^[A-Za-z0-9._~-]$/;
// ASCII characters nginx always escapes again in a proxied path and that mean nothing to a rewrite.
const ENCODED_AGAIN = new Set([' ', '#', '%']);
const ESCAPE = /%([0-9A-Fa-f]{2})/g;

function segmentProblem(segment: string): string | undefined {
  if (/%(?![0-9A-Fa-f]{2})/.test(segment)) return 'has a "%" in its path that starts no percent-escape';
  for (const [escape, hex] of segment.matchAll(ESCAPE)) {
    const byte = parseInt(hex as string, 16);
    // Bytes from 0x80 are UTF-8, checked when decoding; nginx encodes them all again.
    if (byte >= 0x80) continue;
    const character = String.fromCharCode(byte);
    if (!UNRESERVED.test(character) && !ENCODED_AGAIN.has(character)) {
      return `has ${JSON.stringify(escape)} in its path: nginx would pass it on decoded, as ${JSON.stringify(character)}`;
    }
  }
  return undefined;
}

/** `pathname` (as WHATWG URL gives it: RFC 3986 path characters and escapes) decoded for a rewrite. */
export function endpointRewritePath(pathname: string): EndpointPath {
  const segments: string[] = [];
  for (const segment of pathname.split('/')) {
    const problem = segmentProblem(segment);
    if (problem !== undefined) return { problem };
    try {
      segments.push(decodeURIComponent(segment));
    } catch {
      return { problem: 'has a percent-escape in its path that is not UTF-8' };
    }
  }
  return { path: segments.join('/') };
}

// The paths a backend may take a request path for. Servers disagree on how far they normalize: some
// decode escapes before they split segments, or decode twice; some accept overlong UTF-8; Tomcat and
// Spring drop `;` path parameters (`..;` is `..`); WHATWG URL parsers and Windows read `\` as `/`; some
// do not stop at `#`; most merge `//` and resolve dot segments. Every combination of these, in any order,
// is a reading. A request reached its backend safely when every reading lies under the path its route
// stands for. Strings here are bytes, one latin1 character each.

type Reading = (path: string) => string;

const HEX_ESCAPE = /%([0-9A-Fa-f]{2})/g;
// Overlong UTF-8: sequences longer than the code point needs (`\xC0\xAE` for "."), which a lax decoder
// reads as the code point.
const OVERLONG = /[\xC0\xC1][\x80-\xBF]|\xE0[\x80-\x9F][\x80-\xBF]|\xF0[\x80-\x8F][\x80-\xBF]{2}/g;

function overlongCodePoint(sequence: string): string {
  const bytes = [...sequence].map((c) => c.charCodeAt(0));
  const lead = bytes[0] ?? 0;
  const leadBits = lead < 0xe0 ? lead & 0x1f : lead < 0xf0 ? lead & 0x0f : lead & 0x07;
  const codePoint = bytes.slice(1).reduce((value, byte) => (value << 6) | (byte & 0x3f), leadBits);
  return Buffer.from(String.fromCodePoint(codePoint), 'utf8').toString('latin1');
}

/** RFC 3986, 5.2.4: `.` and `..` segments removed, `..` taking the segment before it along. */
function removeDotSegments(path: string): string {
  const output: string[] = [];
  const segments = path.split('/');
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    if (segment === '.' || segment === '..') {
      if (segment === '..' && output.length > 1) output.pop();
      if (last) output.push('');
      return;
    }
    output.push(segment);
  });
  const joined = output.join('/');
  return joined.startsWith('/') ? joined : `/${joined}`;
}

const READINGS: Reading[] = [
  (path) => path.replace(HEX_ESCAPE, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
  (path) => path.replace(OVERLONG, overlongCodePoint),
  (path) => path.replace(/\\/g, '/'),
  (path) => path.replace(/;[^/]*/g, ''),
  // After decoding, an escaped "?" or "#" ends the path too.
  (path) => path.replace(/[?#].*$/s, ''),
  (path) => path.replace(/\/{2,}/g, '/'),
  removeDotSegments,
];

/** Every path `path` (the path of a request target, without its query) may be read as, `path` included. */
export function pathReadings(path: string): Set<string> {
  const readings = new Set([path]);
  const pending = [path];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    for (const read of READINGS) {
      const reading = read(next);
      if (readings.has(reading)) continue;
      readings.add(reading);
      pending.push(reading);
    }
  }
  return readings;
}

/** Whether `path` lies under the prefix `prefix` on segment boundaries, as a PathPrefix route matches. */
export function liesUnder(prefix: string, path: string): boolean {
  return prefix === '/' || path === prefix || path.startsWith(`${prefix}/`);
}

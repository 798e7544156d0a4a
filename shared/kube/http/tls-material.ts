// The TLS settings a connection to the API server is opened with. A connection may carry a request only
// if they are the ones that request would use, so a rotated client certificate or CA means new
// connections; comparing them is a few byte comparisons, cheap enough for every request.
export interface TLSMaterial {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  /** The name the server certificate must carry, when it differs from the URL's host. */
  servername?: string;
  /** false only for insecure-skip-tls-verify. */
  rejectUnauthorized?: boolean;
}

function sameBytes(a: Buffer | undefined, b: Buffer | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && a.equals(b));
}

export function sameTLSMaterial(a: TLSMaterial, b: TLSMaterial): boolean {
  return (
    sameBytes(a.ca, b.ca) &&
    sameBytes(a.cert, b.cert) &&
    sameBytes(a.key, b.key) &&
    a.servername === b.servername &&
    a.rejectUnauthorized === b.rejectUnauthorized
  );
}

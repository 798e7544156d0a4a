// The extra names of the serving certificate (--extra-sans). An IP address is kept in one spelling, the
// one a certificate is read back in (IPv6 lower-case and compressed), so the names a certificate holds
// compare equal to the names asked for; an address a certificate cannot hold is refused, not issued wrong.
import { isIPv4, isIPv6 } from 'node:net';

const ALLOWED = 'must be a DNS name or an IP address such as 10.0.0.1 or fd00::1';

export class InvalidServingNameError extends Error {
  readonly value: string;
  /** What is allowed instead, for a flag error. */
  readonly allowed = ALLOWED;
  constructor(value: string) {
    super(`serving certificate name ${JSON.stringify(value)}: ${ALLOWED}`);
    this.name = 'InvalidServingNameError';
    this.value = value;
  }
}

/** A DNS name holds neither ':' nor only digits and dots, so such a name is meant as an IP address. */
export function isIPAddressName(name: string): boolean {
  return name.includes(':') || /^[\d.]+$/.test(name);
}

/** The canonical spelling of an IP address, or undefined when `text` is none (an IPv6 zone included). */
export function canonicalIPAddress(text: string): string | undefined {
  if (isIPv4(text)) return text;
  if (!isIPv6(text)) return undefined;
  try {
    // The WHATWG URL host serializer is RFC 5952's: lower-case, longest zero run compressed.
    return new URL(`http://[${text}]`).hostname.slice(1, -1);
  } catch {
    return undefined;
  }
}

/** A DNS name as given, or an IP address in its canonical spelling; throws InvalidServingNameError. */
export function canonicalServingName(name: string): string {
  if (!isIPAddressName(name)) return name;
  const ip = canonicalIPAddress(name);
  if (ip === undefined) throw new InvalidServingNameError(name);
  return ip;
}

// resource.Quantity in the canonical form the API server stores ("0.5" -> "500m", "1024Mi" -> "1Gi",
// 2 -> "2"). Children are rendered with canonical quantities so that comparing what we would apply with
// what the server holds sees no difference where there is none.
import type { ResourceRequirements } from '../../shared/kube/core-v1-types.ts';

const BINARY_SUFFIXES = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'] as const;
const DECIMAL_SUFFIXES: Record<number, string> = {
  [-9]: 'n',
  [-6]: 'u',
  [-3]: 'm',
  0: '',
  3: 'k',
  6: 'M',
  9: 'G',
  12: 'T',
  15: 'P',
  18: 'E',
};
const DECIMAL_EXPONENTS: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:([KMGTPE]i)|([numkMGTPE])|[eE]([+-]?\d+))?$/;
const NANOS_PER_UNIT = 10n ** 9n;

export class QuantityFormatError extends Error {
  readonly value: unknown;
  constructor(value: unknown) {
    super(`${JSON.stringify(value)} is not a quantity; expected e.g. "2", "500m", "8Gi" or "1e3"`);
    this.name = 'QuantityFormatError';
    this.value = value;
  }
}

type Format = 'BinarySI' | 'DecimalSI' | 'DecimalExponent';

function divideRoundingUp(numerator: bigint, denominator: bigint): bigint {
  const quotient = numerator / denominator;
  return numerator % denominator === 0n ? quotient : quotient + 1n;
}

/** The magnitude in units of 10^-9, rounded up as the API server rounds finer precision. */
function toNanos(digits: string, scale10: number, scale1024: number): bigint {
  const [whole = '', fraction = ''] = digits.split('.');
  let numerator = BigInt(`${whole}${fraction}` || '0') * NANOS_PER_UNIT * 1024n ** BigInt(scale1024);
  let denominator = 10n ** BigInt(fraction.length);
  if (scale10 >= 0) numerator *= 10n ** BigInt(scale10);
  else denominator *= 10n ** BigInt(-scale10);
  return divideRoundingUp(numerator, denominator);
}

function decimal(nanos: bigint, format: Format): string {
  let mantissa = nanos;
  let exponent = -9;
  while (mantissa % 1000n === 0n) {
    mantissa /= 1000n;
    exponent += 3;
  }
  const suffix =
    format === 'DecimalSI' && DECIMAL_SUFFIXES[exponent] !== undefined
      ? DECIMAL_SUFFIXES[exponent]
      : exponent === 0
        ? ''
        : `e${exponent}`;
  return `${mantissa}${suffix}`;
}

function binary(nanos: bigint): string {
  let mantissa = nanos / NANOS_PER_UNIT;
  let power = 0;
  while (mantissa % 1024n === 0n && power < BINARY_SUFFIXES.length - 1) {
    mantissa /= 1024n;
    power++;
  }
  return `${mantissa}${BINARY_SUFFIXES[power]}`;
}

export function canonicalQuantity(value: string | number): string {
  const text = typeof value === 'number' ? String(value) : value.trim();
  const match = QUANTITY.exec(text.replace('e+', 'e').replace('E+', 'E'));
  if (!match) throw new QuantityFormatError(value);
  const [, sign = '', digits = '0', binarySuffix, decimalSuffix, exponent] = match;
  const format: Format = binarySuffix ? 'BinarySI' : exponent !== undefined ? 'DecimalExponent' : 'DecimalSI';
  const scale10 = exponent !== undefined ? Number(exponent) : (DECIMAL_EXPONENTS[decimalSuffix ?? ''] ?? 0);
  const scale1024 = binarySuffix
    ? BINARY_SUFFIXES.indexOf(binarySuffix as (typeof BINARY_SUFFIXES)[number])
    : 0;
  const nanos = toNanos(digits, binarySuffix ? 0 : scale10, scale1024);
  if (nanos === 0n) return '0';
  const prefix = sign === '-' ? '-' : '';
  // Below 1Ki or with a fraction, a binary quantity is written in decimal, exactly as the server does.
  const asBinary = format === 'BinarySI' && nanos >= 1024n * NANOS_PER_UNIT && nanos % NANOS_PER_UNIT === 0n;
  if (asBinary) return prefix + binary(nanos);
  return prefix + decimal(nanos, format === 'BinarySI' ? 'DecimalSI' : format);
}

/** A container's requests and limits in canonical form; empty lists left out, undefined when both are. */
export function canonicalResources(
  resources: ResourceRequirements | undefined,
): ResourceRequirements | undefined {
  const canonical = (list: ResourceRequirements['requests']) => {
    const entries = Object.entries(list ?? {}).map(([name, q]) => [name, canonicalQuantity(q)] as const);
    return entries.length > 0 ? Object.fromEntries(entries) : undefined;
  };
  const requests = canonical(resources?.requests);
  const limits = canonical(resources?.limits);
  if (!requests && !limits) return undefined;
  return { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) };
}

// The slice of the DNS wire format (RFC 1035) a loopback test resolver needs: read a standard query with
// one question, write an authoritative answer with A records, or an error code.

export const DNS_TYPE_A = 1;
export const DNS_TYPE_ANY = 255;
export const DNS_CLASS_IN = 1;

export const RCODE = { noError: 0, formatError: 1, nameError: 3, notImplemented: 4, refused: 5 } as const;

export class DNSFormatError extends Error {
  constructor(problem: string) {
    super(`malformed DNS query: ${problem}`);
    this.name = 'DNSFormatError';
  }
}

interface DNSQuestion {
  /** Lower case, without the trailing dot. */
  name: string;
  type: number;
  class: number;
}

export interface DNSQuery {
  id: number;
  /** Whether the client asked for recursion; echoed in the answer. */
  recursionDesired: boolean;
  opcode: number;
  question: DNSQuestion;
  /** The question section as received, echoed in the answer. */
  questionBytes: Buffer;
}

const HEADER_LENGTH = 12;
const MAX_NAME_LENGTH = 255;

function readName(message: Buffer, start: number): { name: string; end: number } {
  const labels: string[] = [];
  let offset = start;
  for (;;) {
    const length = message[offset];
    if (length === undefined) throw new DNSFormatError('name runs past the end of the message');
    if (length === 0) break;
    // Queries carry their one name in full; a compression pointer (0b11 prefix) or reserved label type is malformed.
    if (length > 63) throw new DNSFormatError(`label length byte ${length} is not a plain label`);
    const label = message.subarray(offset + 1, offset + 1 + length);
    if (label.length < length) throw new DNSFormatError('label runs past the end of the message');
    labels.push(label.toString('latin1').toLowerCase());
    offset += 1 + length;
    if (offset - start > MAX_NAME_LENGTH) throw new DNSFormatError('name is longer than 255 bytes');
  }
  return { name: labels.join('.'), end: offset + 1 };
}

/** Throws DNSFormatError when `message` is not a query with exactly one question. */
export function parseDNSQuery(message: Buffer): DNSQuery {
  if (message.length < HEADER_LENGTH) throw new DNSFormatError('shorter than a DNS header');
  const flags = message.readUInt16BE(2);
  if (flags & 0x8000) throw new DNSFormatError('is a response, not a query');
  const questions = message.readUInt16BE(4);
  if (questions !== 1) throw new DNSFormatError(`has ${questions} questions; one is supported`);
  const { name, end } = readName(message, HEADER_LENGTH);
  if (end + 4 > message.length) throw new DNSFormatError('question type and class run past the end');
  return {
    id: message.readUInt16BE(0),
    recursionDesired: (flags & 0x0100) !== 0,
    opcode: (flags >> 11) & 0x0f,
    question: { name, type: message.readUInt16BE(end), class: message.readUInt16BE(end + 2) },
    questionBytes: message.subarray(HEADER_LENGTH, end + 4),
  };
}

function header(
  id: number,
  recursionDesired: boolean,
  opcode: number,
  rcode: number,
  counts: number[],
): Buffer {
  const buffer = Buffer.alloc(HEADER_LENGTH);
  buffer.writeUInt16BE(id, 0);
  // QR (response) and AA (authoritative): this server is the authority for the names it answers.
  buffer.writeUInt16BE(0x8000 | (opcode << 11) | 0x0400 | (recursionDesired ? 0x0100 : 0) | rcode, 2);
  counts.forEach((count, i) => buffer.writeUInt16BE(count, 4 + 2 * i));
  return buffer;
}

function aRecord(address: string, ttlSeconds: number): Buffer {
  const record = Buffer.alloc(16);
  record.writeUInt16BE(0xc000 | HEADER_LENGTH, 0); // the name: a pointer to the question's name
  record.writeUInt16BE(DNS_TYPE_A, 2);
  record.writeUInt16BE(DNS_CLASS_IN, 4);
  record.writeUInt32BE(ttlSeconds, 6);
  record.writeUInt16BE(4, 10);
  address.split('.').forEach((octet, i) => record.writeUInt8(Number(octet), 12 + i));
  return record;
}

/** An answer to `query` with the given code and IPv4 addresses (A records). */
export function dnsAnswer(
  query: DNSQuery,
  rcode: number,
  addresses: readonly string[],
  ttlSeconds: number,
): Buffer {
  return Buffer.concat([
    header(query.id, query.recursionDesired, query.opcode, rcode, [1, addresses.length, 0, 0]),
    query.questionBytes,
    ...addresses.map((address) => aRecord(address, ttlSeconds)),
  ]);
}

/** FORMERR for a message that could not be read as a query, or undefined when it has no usable header. */
export function dnsFormatErrorAnswer(message: Buffer): Buffer | undefined {
  if (message.length < HEADER_LENGTH || message.readUInt16BE(2) & 0x8000) return undefined;
  return header(message.readUInt16BE(0), false, 0, RCODE.formatError, [0, 0, 0, 0]);
}

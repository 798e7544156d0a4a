// metav1.MicroTime: RFC 3339 with exactly six fractional digits, which the API server requires for
// Lease and Event timestamps (a millisecond ISO string is rejected).
export function toMicroTime(epochMs: number): string {
  const iso = new Date(epochMs).toISOString();
  return `${iso.slice(0, -1)}000Z`;
}

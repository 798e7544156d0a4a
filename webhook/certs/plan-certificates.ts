// Decides what the certificate Secret should hold next, from what it holds now and the time: nothing,
// a renewed serving certificate, a new CA announced in the trust bundle, or the announced CA promoted to
// signing. A CA never signs before it has been trusted for `caAnnounceLeadMs` — counted from when this
// process injected a bundle holding it, when injecting is its part — and the CA it replaces stays trusted
// until it expires, so no API server ever meets a certificate it does not trust.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import type { KeyPairPEM } from '../../shared/tls/certificates.ts';
import { CERTIFICATE_BACKDATE_MS, describeCertificate } from '../../shared/tls/certificates.ts';
import type { CertificateIssuer } from './certificate-issuer.ts';
import type { CertificateState, RotationPolicy, ServingIdentity } from './certificate-state.ts';
import { normalizePEM } from './certificate-state.ts';
import { canonicalIPAddress } from './serving-names.ts';

/**
 * When this process first injected a trust bundle holding a CA, still held by the bundle it last injected;
 * undefined when it has not.
 */
export type InjectedSince = (caCertPEM: string) => Date | undefined;

export interface PlanContext {
  now: Date;
  policy: RotationPolicy;
  identity: ServingIdentity;
  issuer: CertificateIssuer;
  /** Absent when injecting the bundle is not this process's part: the announcement starts the lead time. */
  injectedSince?: InjectedSince;
}

export interface CertificatePlan {
  state: CertificateState;
  /** Why the state changed; empty when the current state is kept. */
  changes: string[];
}

interface Validity {
  notBefore: number;
  notAfter: number;
}

function validity(certPEM: string): Validity | undefined {
  try {
    const info = describeCertificate(certPEM);
    return { notBefore: info.notBefore.getTime(), notAfter: info.notAfter.getTime() };
  } catch {
    return undefined;
  }
}

/** A share of the lifetime from issuance, not from the backdated notBefore: short test lifetimes stay sane. */
function renewAt(v: Validity, fraction: number): number {
  const issuedAt = Math.min(v.notBefore + CERTIFICATE_BACKDATE_MS, v.notAfter);
  return issuedAt + (v.notAfter - issuedAt) * fraction;
}

function keyMatches(pair: KeyPairPEM): boolean {
  try {
    return new X509Certificate(pair.certPEM).checkPrivateKey(createPrivateKey(pair.keyPEM));
  } catch {
    return false;
  }
}

/** A CA usable for signing now: parses, holds its key, and is within its validity. */
function usableCA(ca: KeyPairPEM | undefined, now: number): ca is KeyPairPEM {
  const v = ca && validity(ca.certPEM);
  return !!v && v.notBefore <= now && now < v.notAfter && keyMatches(ca);
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  const sa = new Set(a);
  return sa.size === new Set(b).size && b.every((x) => sa.has(x));
}

/** IPv6 has many spellings of one address; the certificate holds bytes, read back in one of them. */
function sameIPAddresses(a: readonly string[], b: readonly string[]): boolean {
  const canonical = (ips: readonly string[]) => ips.map((ip) => canonicalIPAddress(ip) ?? ip);
  return sameNames(canonical(a), canonical(b));
}

/** Why the serving certificate must be re-issued, or undefined when it is good. */
function servingProblem(
  serving: KeyPairPEM | undefined,
  signer: KeyPairPEM,
  ctx: PlanContext,
): string | undefined {
  if (!serving) return 'no serving certificate';
  const now = ctx.now.getTime();
  let info;
  try {
    info = describeCertificate(serving.certPEM);
  } catch {
    return 'serving certificate unreadable';
  }
  if (!keyMatches(serving)) return 'serving key does not match its certificate';
  try {
    const cert = new X509Certificate(serving.certPEM);
    const ca = new X509Certificate(signer.certPEM);
    if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey))
      return 'serving certificate not signed by the current CA';
  } catch {
    return 'serving certificate not signed by the current CA';
  }
  if (
    !sameNames(info.dnsNames, ctx.identity.dnsNames) ||
    !sameIPAddresses(info.ipAddresses, ctx.identity.ipAddresses)
  ) {
    return 'serving certificate names changed';
  }
  const v = { notBefore: info.notBefore.getTime(), notAfter: info.notAfter.getTime() };
  if (now >= v.notAfter) return 'serving certificate expired';
  if (now >= renewAt(v, ctx.policy.renewAfterFraction)) return 'serving certificate due for renewal';
  return undefined;
}

function issueServing(ca: KeyPairPEM, ctx: PlanContext): KeyPairPEM {
  const caNotAfter = validity(ca.certPEM)?.notAfter ?? ctx.now.getTime();
  // A certificate outliving its issuer would fail verification anyway.
  const validForMs = Math.min(ctx.policy.servingValidityMs, caNotAfter - ctx.now.getTime());
  return ctx.issuer.issueServing(ca, ctx.identity, ctx.now, validForMs);
}

/** The signing CA first, then the next one, then older CAs still valid; no duplicates, nothing expired. */
function trustBundle(
  ca: KeyPairPEM,
  nextCA: KeyPairPEM | undefined,
  previous: readonly string[],
  now: number,
): string[] {
  const ordered = [ca.certPEM, ...(nextCA ? [nextCA.certPEM] : []), ...previous].map(normalizePEM);
  return [...new Set(ordered)].filter((pem) => {
    const v = validity(pem);
    return !!v && now < v.notAfter;
  });
}

/**
 * When the next CA may sign: the lead time after it was announced and, with `injectedSince`, after this
 * process injected it; undefined while it has not. Without an announcement time only the injection counts.
 */
function nextCASigningTime(
  nextCA: KeyPairPEM,
  announcedAt: Date | undefined,
  policy: RotationPolicy,
  injectedSince: InjectedSince | undefined,
): number | undefined {
  const announced = announcedAt?.getTime() ?? Number.NEGATIVE_INFINITY;
  if (!injectedSince) return announced + policy.caAnnounceLeadMs;
  const injected = injectedSince(nextCA.certPEM);
  return injected && Math.max(announced, injected.getTime()) + policy.caAnnounceLeadMs;
}

export function nextRotationTime(
  state: CertificateState,
  policy: RotationPolicy,
  injectedSince?: InjectedSince,
): Date | undefined {
  const times: number[] = [];
  const ca = validity(state.ca.certPEM);
  const serving = validity(state.serving.certPEM);
  if (ca && !state.nextCA) times.push(renewAt(ca, policy.renewAfterFraction));
  if (serving) times.push(renewAt(serving, policy.renewAfterFraction));
  const signing =
    state.nextCA && nextCASigningTime(state.nextCA, state.nextCAAnnouncedAt, policy, injectedSince);
  if (signing !== undefined && Number.isFinite(signing)) times.push(signing);
  return times.length > 0 ? new Date(Math.min(...times)) : undefined;
}

export function planCertificates(current: CertificateState | undefined, ctx: PlanContext): CertificatePlan {
  const now = ctx.now.getTime();
  const changes: string[] = [];
  let ca: KeyPairPEM;
  let serving = current?.serving;
  let nextCA = current?.nextCA;
  let nextCAAnnouncedAt = current?.nextCAAnnouncedAt;
  const previous = current?.trustBundle ?? [];

  if (current && usableCA(current.ca, now)) {
    ca = current.ca;
  } else if (usableCA(nextCA, now)) {
    // The signing CA is gone (expired while nobody ran); the announced one is the best there is.
    ca = nextCA;
    nextCA = undefined;
    nextCAAnnouncedAt = undefined;
    changes.push('current CA unusable; promoted the next CA');
  } else {
    ca = ctx.issuer.issueCA(ctx.now, ctx.policy.caValidityMs);
    nextCA = undefined;
    nextCAAnnouncedAt = undefined;
    changes.push(current ? 'current CA unusable; created a new CA' : 'created a CA');
  }

  if (nextCA && !usableCA(nextCA, now)) {
    nextCA = undefined;
    nextCAAnnouncedAt = undefined;
    changes.push('dropped an unusable next CA');
  }
  const signing = nextCA && nextCASigningTime(nextCA, nextCAAnnouncedAt, ctx.policy, ctx.injectedSince);
  if (nextCA && signing !== undefined && now >= signing) {
    ca = nextCA;
    nextCA = undefined;
    nextCAAnnouncedAt = undefined;
    changes.push('promoted the next CA to signing');
  }
  const caValidity = validity(ca.certPEM);
  if (!nextCA && caValidity && now >= renewAt(caValidity, ctx.policy.renewAfterFraction)) {
    nextCA = ctx.issuer.issueCA(ctx.now, ctx.policy.caValidityMs);
    nextCAAnnouncedAt = ctx.now;
    changes.push('CA due for renewal; announced the next CA');
  }

  const problem = servingProblem(serving, ca, ctx);
  if (problem || !serving) {
    serving = issueServing(ca, ctx);
    changes.push(`${problem}; issued a serving certificate`);
  }
  const bundle = trustBundle(ca, nextCA, previous, now);
  const bundleChanged = bundle.length !== previous.length || bundle.some((pem, i) => pem !== previous[i]);
  if (bundleChanged && previous.length > 0) changes.push('trust bundle updated');
  const state: CertificateState = { ca, serving, trustBundle: bundle };
  if (nextCA) {
    state.nextCA = nextCA;
    if (nextCAAnnouncedAt) state.nextCAAnnouncedAt = nextCAAnnouncedAt;
  }
  return { state, changes };
}

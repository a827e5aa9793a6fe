import { createRemoteJWKSet, decodeJwt, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { ProfiledError } from '@profiled/core';

/** Asymmetric algorithms only: never `none`, never an HMAC a public key could forge. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

export interface ExternalIssuerSettings {
  readonly issuer: string;
  readonly audience: string;
  /** Default: `jwks_uri` from the issuer's discovery document. */
  readonly jwksUrl?: string | undefined;
  readonly timeoutMs?: number;
  /** The least time between two JWKS fetches an unknown `kid` causes, ms (jose's cooldown). */
  readonly cooldownMs?: number;
  /** Told why the issuer could not be asked (network, discovery, JWKS); never given the token. */
  readonly onUnavailable?: (reason: string) => void;
}

/** The claims of an outside access token that passed every check. */
export type ExternalClaims = JWTPayload & { readonly sub: string; readonly iss: string };

/**
 * An outside OpenID Provider (Keycloak, ZITADEL, Auth0, Entra…) whose access tokens Profiled
 * accepts. Its keys come from its JWKS, cached by jose and fetched again (at most once per
 * cooldown) when a token names an unknown `kid`, so a key rotation needs no restart. The
 * discovery document is read once, on the first token, not at start-up: the provider may
 * be down while Profiled boots. Fails closed: any failure is a 401-class error.
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html §4
 */
export function createExternalIssuer(settings: ExternalIssuerSettings) {
  const timeoutMs = settings.timeoutMs ?? 5000;
  const cooldownMs = settings.cooldownMs ?? 30_000;
  let jwks: Promise<ReturnType<typeof createRemoteJWKSet>> | undefined;
  let retryAfter = 0;

  async function discover(): Promise<ReturnType<typeof createRemoteJWKSet>> {
    let url = settings.jwksUrl;
    if (!url) {
      const res = await fetch(`${settings.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
      if (!res.ok) throw new Error(`discovery answered ${res.status}`);
      const doc = (await res.json()) as { issuer?: unknown; jwks_uri?: unknown };
      if (doc.issuer !== settings.issuer) throw new Error('the discovery document names another issuer');
      if (typeof doc.jwks_uri !== 'string') throw new Error('the discovery document has no jwks_uri');
      url = doc.jwks_uri;
    }
    return createRemoteJWKSet(new URL(url), { timeoutDuration: timeoutMs, cooldownDuration: cooldownMs, cacheMaxAge: 10 * 60_000 });
  }

  /**
   * One discovery at a time. A failed one is asked again only after the cooldown: tokens that
   * merely name the issuer must not turn each request into a wait on an unreachable host.
   */
  function keySet() {
    if (!jwks && Date.now() < retryAfter) return Promise.reject(new StillUnavailable());
    jwks ??= discover().catch((err: unknown) => {
      jwks = undefined;
      retryAfter = Date.now() + cooldownMs;
      throw err;
    });
    return jwks;
  }

  return {
    issuer: settings.issuer,

    /** Whether a token claims to come from this issuer (read without trusting it). */
    claims(token: string): boolean {
      try {
        return decodeJwt(token).iss === settings.issuer;
      } catch {
        return false;
      }
    },

    /** Signature, algorithm, issuer, audience, expiry and `sub`, or a 401-class error. */
    async verify(token: string): Promise<ExternalClaims> {
      try {
        const { payload } = await jwtVerify(token, await keySet(), { issuer: settings.issuer, audience: settings.audience, algorithms: ALGORITHMS, requiredClaims: ['exp', 'sub'], clockTolerance: 30 });
        if (typeof payload.sub !== 'string' || payload.sub === '' || payload.sub.length > 255) throw new ProfiledError('auth.token_invalid');
        return payload as ExternalClaims;
      } catch (err) {
        if (err instanceof joseErrors.JWTExpired) throw new ProfiledError('auth.token_expired');
        if (!(err instanceof ProfiledError) && !(err instanceof StillUnavailable) && !isTokenFault(err)) settings.onUnavailable?.(err instanceof Error ? err.message : String(err));
        // A network failure, an unknown key, a bad signature: all the same to the caller.
        throw new ProfiledError('auth.token_invalid');
      }
    },
  };
}

/** The issuer failed within the cooldown; already logged when it did. */
class StillUnavailable extends Error {}

/** A failure of the token itself, not of reaching the issuer. */
function isTokenFault(err: unknown): boolean {
  return (
    err instanceof joseErrors.JWTClaimValidationFailed ||
    err instanceof joseErrors.JWSSignatureVerificationFailed ||
    err instanceof joseErrors.JWSInvalid ||
    err instanceof joseErrors.JWTInvalid ||
    err instanceof joseErrors.JOSEAlgNotAllowed ||
    err instanceof joseErrors.JWKSNoMatchingKey ||
    err instanceof joseErrors.JWKSMultipleMatchingKeys
  );
}

export type ExternalIssuer = ReturnType<typeof createExternalIssuer>;

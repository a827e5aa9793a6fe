import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { errors as joseErrors, exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK, type JWTPayload } from 'jose';
import { ProfiledError } from '@profiled/core';
import type { Repos } from '../storage/port.ts';

const ALG = 'EdDSA';
/** Verified tokens remembered (oldest evicted first); bounded so memory stays flat. */
const VERIFIED_CACHE_SIZE = 10_000;

export interface AccessClaims {
  /** Account id. */
  readonly sub: string;
  /** Session (refresh-token family) id. */
  readonly sid: string;
  /** Organization id of the active profile. */
  readonly org: string;
  /** Active profile id. */
  readonly pid: string;
}

export interface TokenSettings {
  readonly issuer: string;
  readonly audience: string;
  readonly accessTokenTtlSeconds: number;
}

type KeyLike = CryptoKey | Uint8Array;

/**
 * Access tokens: EdDSA (Ed25519) JWTs signed with keys kept in the database, so every
 * instance signs and verifies with the same set. Keys are imported once and cached; an
 * unknown `kid` triggers one reload (another instance may have added a key).
 */
export function createTokenService(repos: Repos, settings: TokenSettings, now: () => Date) {
  let keys = new Map<string, { key: KeyLike; publicJwk: JWK; privateKey: KeyLike; created: string }>();
  let signer: { kid: string; key: KeyLike } | undefined;
  let lastReload = 0;
  const verified = new Map<string, AccessClaims & JWTPayload>();

  async function load() {
    const rows = await repos.listSigningKeys();
    const next = new Map<string, { key: KeyLike; publicJwk: JWK; privateKey: KeyLike; created: string }>();
    for (const row of rows) {
      const existing = keys.get(row.kid);
      if (existing) {
        next.set(row.kid, existing);
        continue;
      }
      const publicJwk = JSON.parse(row.public_jwk) as JWK;
      next.set(row.kid, {
        key: await importJWK(publicJwk, ALG),
        privateKey: await importJWK(JSON.parse(row.private_jwk) as JWK, ALG),
        publicJwk,
        created: row.created_at,
      });
    }
    keys = next;
    const newest = rows.at(-1);
    signer = newest ? { kid: newest.kid, key: next.get(newest.kid)!.privateKey } : undefined;
    lastReload = Date.now();
  }

  return {
    /** Loads the signing keys, creating the first one on a fresh database. */
    async init(): Promise<void> {
      await load();
      if (signer) return;
      const { privateKey, publicKey } = await generateKeyPair(ALG, { crv: 'Ed25519', extractable: true });
      const kid = randomUUID();
      const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: ALG, use: 'sig' };
      const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: ALG };
      try {
        await repos.insertSigningKey({ kid, alg: ALG, public_jwk: JSON.stringify(publicJwk), private_jwk: JSON.stringify(privateJwk), created_at: now().toISOString() });
      } catch {
        // Another instance created one first; use the keys as stored.
      }
      await load();
    },

    async sign(claims: AccessClaims): Promise<{ token: string; expiresIn: number }> {
      if (!signer) throw new Error('token service not initialised');
      const iat = Math.floor(now().getTime() / 1000);
      const token = await new SignJWT({ sid: claims.sid, org: claims.org, pid: claims.pid })
        .setProtectedHeader({ alg: ALG, kid: signer.kid, typ: 'at+jwt' })
        .setIssuer(settings.issuer)
        .setAudience(settings.audience)
        .setSubject(claims.sub)
        .setIssuedAt(iat)
        .setExpirationTime(iat + settings.accessTokenTtlSeconds)
        .setJti(randomUUID())
        .sign(signer.key);
      return { token, expiresIn: settings.accessTokenTtlSeconds };
    },

    /**
     * Verifies signature, algorithm, issuer, audience, expiry and the claims we rely on. A
     * token that verified once is remembered until it expires (its bytes cannot change, so
     * neither can the verdict); expiry is checked on every use.
     */
    async verify(token: string): Promise<AccessClaims & JWTPayload> {
      const known = verified.get(token);
      if (known) {
        if ((known.exp ?? 0) * 1000 > now().getTime()) return known;
        verified.delete(token);
        throw new ProfiledError('auth.token_expired');
      }
      try {
        const { payload } = await jwtVerify(
          token,
          async (header) => {
            let entry = header.kid ? keys.get(header.kid) : undefined;
            if (!entry && header.kid && Date.now() - lastReload > 1000) {
              await load();
              entry = keys.get(header.kid);
            }
            if (!entry) throw new ProfiledError('auth.token_invalid');
            return entry.key;
          },
          // `typ` keeps an ID token (same key, same issuer) from passing as an access token.
          { issuer: settings.issuer, audience: settings.audience, algorithms: [ALG], typ: 'at+jwt', requiredClaims: ['exp', 'iat', 'sub'], currentDate: now() },
        );
        const { sub, sid, org, pid } = payload as Record<string, unknown>;
        if (typeof sub !== 'string' || typeof sid !== 'string' || typeof org !== 'string' || typeof pid !== 'string') {
          throw new ProfiledError('auth.token_invalid');
        }
        if (verified.size >= VERIFIED_CACHE_SIZE) verified.delete(verified.keys().next().value as string);
        verified.set(token, payload as AccessClaims & JWTPayload);
        return payload as AccessClaims & JWTPayload;
      } catch (err) {
        if (err instanceof joseErrors.JWTExpired) throw new ProfiledError('auth.token_expired');
        throw new ProfiledError('auth.token_invalid');
      }
    },

    /** An OpenID Connect ID token for `clientId` (OIDC Core §2): short-lived, signed like access tokens. */
    async signIdToken(claims: Readonly<Record<string, unknown>> & { sub: string }, clientId: string): Promise<string> {
      if (!signer) throw new Error('token service not initialised');
      const iat = Math.floor(now().getTime() / 1000);
      const { sub, ...rest } = claims;
      return new SignJWT({ ...rest })
        .setProtectedHeader({ alg: ALG, kid: signer.kid, typ: 'JWT' })
        .setIssuer(settings.issuer)
        .setAudience(clientId)
        .setSubject(sub)
        .setIssuedAt(iat)
        .setExpirationTime(iat + settings.accessTokenTtlSeconds)
        .sign(signer.key);
    },

    /**
     * Reads an ID token we issued, given back as `id_token_hint` at logout: signature and
     * issuer checked; expiry not, since a hint is often an old token (OIDC RP-Initiated Logout §2).
     */
    async readIdTokenHint(token: string): Promise<JWTPayload | undefined> {
      try {
        const { payload } = await jwtVerify(token, async (header) => {
          const entry = header.kid ? keys.get(header.kid) : undefined;
          if (!entry) throw new Error('unknown key');
          return entry.key;
        }, { issuer: settings.issuer, algorithms: [ALG], typ: 'JWT', currentDate: new Date(0) });
        return payload;
      } catch {
        return undefined;
      }
    },

    /** The public keys, as `/.well-known/jwks.json` serves them. */
    jwks(): { keys: JWK[] } {
      return { keys: [...keys.values()].map((k) => k.publicJwk) };
    },
  };
}

export type TokenService = ReturnType<typeof createTokenService>;

/** An opaque secret (refresh token, API key body): 256 bits, base64url. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** Secrets are stored as SHA-256: they are high-entropy, so a slow hash adds nothing. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

import { createHash, createHmac, randomBytes } from 'node:crypto';

/** A long random secret, URL-safe: 32 bytes (256 bits) of entropy. */
export function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * How secrets are stored. They are 256-bit random values, so a fast hash is enough: there is
 * nothing to guess, and a leaked database gives no usable token or code. Tokens are found by
 * their hash through a database index, never compared as strings, so timing reveals nothing.
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/**
 * A team's join code, derived from the server secret, the team and the link's version. Only its
 * hash is stored; the server can print the link again (it knows the secret) and rotating it
 * (a new version) makes the old link useless.
 */
export function joinCode(serverSecret: string, teamId: string, version: number): string {
  return createHmac('sha256', serverSecret).update(`join:${teamId}:${version}`).digest('base64url');
}

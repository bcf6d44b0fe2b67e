/** Access tokens for tests, signed as an operator's backend would (external tokens). */
import { SignJWT } from 'jose';
import { TEST_JWT_SECRET } from './server.js';

export function signToken(username: string, ttlSeconds = 900): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(username)
    .setIssuedAt(now)
    .setExpirationTime(now + ttlSeconds)
    .sign(new TextEncoder().encode(TEST_JWT_SECRET));
}

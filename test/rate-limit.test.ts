/** Login and registration are rate-limited per client (LOGIN_RATE_LIMIT_PER_MINUTE). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv, type TestEnv } from './harness.js';

describe('login rate limit', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await testEnv({ seed: false, config: { loginRateLimitPerMinute: 3 } });
  });
  afterAll(() => env.close());

  it('answers the 4th attempt within a minute with 429 RATE_LIMITED, and security headers are set', async () => {
    const attempt = () => env.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: 'nobody', password: 'wrong-pass-1' } });
    for (let i = 0; i < 3; i++) expect((await attempt()).statusCode).toBe(401);
    const limited = await attempt();
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('RATE_LIMITED');
    expect(limited.headers['x-content-type-options']).toBe('nosniff');
    expect(String(limited.headers['content-security-policy'])).toContain("default-src 'self'");
  });
});

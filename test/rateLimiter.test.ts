import { describe, expect, it } from 'vitest';
import { AdaptiveRateLimiter } from '../lib/http/rateLimiter.js';

// The limiter's arithmetic on a hand-moved clock (time is the only thing mocked); the CLI
// against a rate-limited emulator is in test/rateLimit.test.ts.

function limiterOnFakeTime(giveUpAfterMs?: number) {
  let now = 1_000_000;
  const sleeps: number[] = [];
  const limiter = new AdaptiveRateLimiter({
    clock: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
    giveUpAfterMs,
  });
  return { limiter, sleeps, advance: (ms: number) => (now += ms), now: () => now };
}

const forever = () => Number.POSITIVE_INFINITY;

describe('AdaptiveRateLimiter (AIMD on the request rate)', () => {
  it('does not pace at all until DRS throttles', async () => {
    // Prepare
    const { limiter, sleeps } = limiterOnFakeTime();

    // Act
    for (let i = 0; i < 50; i++) {
      await limiter.acquire(forever);
      limiter.record('accepted');
    }

    // Assess
    expect(sleeps).toEqual([]);
    expect(limiter.rate).toBe(Number.POSITIVE_INFINITY);
  });

  it('drops to 0.8 × what DRS accepted in the last second, then paces evenly', async () => {
    // Prepare: 5 accepted within the last second, then a throttling answer.
    const { limiter, sleeps, advance } = limiterOnFakeTime();
    for (let i = 0; i < 5; i++) {
      limiter.record('accepted');
      advance(100);
    }

    // Act
    limiter.record('throttled');
    for (let i = 0; i < 3; i++) await limiter.acquire(forever);

    // Assess: 4 requests a second, 250 ms apart.
    expect(limiter.rate).toBe(4);
    expect(sleeps).toEqual([250, 250, 250]);
  });

  it('decreases at most once a second, and adds about one request a second per second', () => {
    // Prepare
    const { limiter, advance } = limiterOnFakeTime();
    for (let i = 0; i < 10; i++) limiter.record('accepted');
    limiter.record('throttled');
    expect(limiter.rate).toBe(8);

    // Act: more throttling answers within the same second change nothing.
    advance(500);
    limiter.record('throttled');
    limiter.record('throttled');
    const held = limiter.rate;
    for (let i = 0; i < 8; i++) limiter.record('accepted');

    // Assess
    expect(held).toBe(8);
    expect(limiter.rate).toBeGreaterThan(8.9);
    expect(limiter.rate).toBeLessThan(9.1);
    expect(limiter.counts()).toEqual({ accepted: 18, throttled: 3 });
  });

  it("honours Retry-After as a pause for every request, even one already waiting for its turn", async () => {
    // Prepare
    const { limiter, sleeps } = limiterOnFakeTime();
    limiter.record('accepted');

    // Act
    limiter.record('throttled', 2_000);
    await limiter.acquire(forever);

    // Assess
    expect(sleeps[0]).toBe(2_000);
  });

  it('refuses a turn that would come after the deadline, without waiting for it', async () => {
    // Prepare
    const { limiter, sleeps } = limiterOnFakeTime();
    limiter.record('throttled', 5_000);

    // Act
    const allowed = await limiter.acquire(() => 1_000);

    // Assess
    expect(allowed).toBe(false);
    expect(sleeps).toEqual([]);
  });

  it('is starved only after the give-up time without an accepted request', () => {
    // Prepare
    const { limiter, advance } = limiterOnFakeTime(300_000);
    limiter.record('accepted');

    // Act + Assess
    advance(299_999);
    limiter.record('throttled');
    expect(limiter.starved()).toBe(false);
    advance(1);
    expect(limiter.starved()).toBe(true);
    limiter.record('accepted');
    expect(limiter.starved()).toBe(false);
  });

  it('never goes below one request in two seconds', () => {
    // Prepare
    const { limiter, advance } = limiterOnFakeTime();

    // Act
    for (let i = 0; i < 20; i++) {
      limiter.record('throttled');
      advance(1_000);
    }

    // Assess
    expect(limiter.rate).toBe(0.5);
  });
});

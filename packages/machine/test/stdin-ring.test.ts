import { StdinRing } from '../src/stdin-ring.js';

describe('StdinRing', () => {
  it('passes bytes through in order across the wrap-around', () => {
    const ring = new StdinRing(8);
    const out = new Uint8Array(8);
    expect(ring.write(Uint8Array.of(1, 2, 3, 4, 5, 6))).toBe(6);
    expect(ring.read(out.subarray(0, 4))).toBe(4);
    expect(Array.from(out.subarray(0, 4))).toEqual([1, 2, 3, 4]);
    expect(ring.write(Uint8Array.of(7, 8, 9, 10, 11, 12, 13))).toBe(6); // 2 left + 6 free
    expect(ring.space()).toBe(0);
    expect(ring.read(out)).toBe(8);
    expect(Array.from(out)).toEqual([5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('reports EOF only once everything written has been read', () => {
    const ring = new StdinRing(4);
    ring.write(Uint8Array.of(9));
    ring.close();
    expect(ring.closed()).toBe(true);
    expect(ring.drained()).toBe(false);
    ring.read(new Uint8Array(4));
    expect(ring.drained()).toBe(true);
  });

  it('shares its state through the SharedArrayBuffer (producer and consumer views)', () => {
    const producer = new StdinRing(16);
    const consumer = new StdinRing(producer.sab);
    producer.write(new TextEncoder().encode('hi\n'));
    const out = new Uint8Array(16);
    expect(new TextDecoder().decode(out.subarray(0, consumer.read(out)))).toBe('hi\n');
    expect(producer.available()).toBe(0);
  });

  it('returns from a wait at the timeout when no input comes', () => {
    const ring = new StdinRing(4);
    const t0 = Date.now();
    ring.waitForInput(30);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(25);
  });

  it('lets a full producer wait until the consumer makes room', async () => {
    const ring = new StdinRing(2);
    ring.write(Uint8Array.of(1, 2));
    setTimeout(() => ring.read(new Uint8Array(1)), 20);
    await ring.waitForSpace(5000);
    expect(ring.space()).toBe(1);
  });
});

describe('StdinRing doorbell', () => {
  it('ends a wait at once when rung since the count was taken (no lost wake-up)', () => {
    const ring = new StdinRing(4);
    const seen = ring.bell();
    ring.ring(); // e.g. a network frame between the readiness check and the wait
    const t0 = Date.now();
    ring.waitForBell(seen, 5000);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(ring.bell()).not.toBe(seen);
  });

  it('rings on input and on EOF', () => {
    const ring = new StdinRing(4);
    const b0 = ring.bell();
    ring.write(Uint8Array.of(1));
    const b1 = ring.bell();
    ring.close();
    expect(b1).not.toBe(b0);
    expect(ring.bell()).not.toBe(b1);
  });
});

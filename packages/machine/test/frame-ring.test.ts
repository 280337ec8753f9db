import { FrameRing } from '../src/frame-ring.js';

describe('FrameRing', () => {
  it('passes whole frames in order across the wrap-around, and refuses one that does not fit', () => {
    const ring = new FrameRing(64);
    const frame = (n: number, fill: number): Uint8Array => new Uint8Array(n).fill(fill);
    expect(ring.write(frame(20, 1))).toBe(true);
    expect(ring.write(frame(20, 2))).toBe(true);
    expect(ring.write(frame(20, 3))).toBe(false); // 3 * (4 + 20) > 64: nothing of it is written
    expect(Array.from(ring.read()!)).toEqual(Array.from(frame(20, 1)));
    expect(ring.write(frame(30, 4))).toBe(true); // wraps around the end
    expect(Array.from(ring.read()!)).toEqual(Array.from(frame(20, 2)));
    expect(Array.from(ring.read()!)).toEqual(Array.from(frame(30, 4)));
    expect(ring.read()).toBeUndefined();
    expect(ring.hasRoom(60)).toBe(true);
    expect(ring.hasRoom(61)).toBe(false);
  });

  it('shares its state through the SharedArrayBuffer, zero-length frames included', () => {
    const producer = new FrameRing(256);
    const consumer = new FrameRing(producer.sab);
    producer.write(Uint8Array.of(9, 8, 7));
    producer.write(new Uint8Array(0));
    expect(consumer.hasFrame()).toBe(true);
    expect(Array.from(consumer.read()!)).toEqual([9, 8, 7]);
    expect(consumer.read()!.length).toBe(0);
    expect(producer.hasFrame()).toBe(false);
  });

  it('wakes a waiting reader when a frame arrives, and a waiting writer when one is taken', async () => {
    const ring = new FrameRing(64);
    setTimeout(() => ring.write(Uint8Array.of(1)), 20);
    const t0 = Date.now();
    await ring.waitReadable(5000);
    expect(ring.hasFrame()).toBe(true);
    setTimeout(() => ring.read(), 20);
    await ring.waitTaken(5000);
    expect(ring.hasFrame()).toBe(false);
    expect(Date.now() - t0).toBeLessThan(4000);
  });
});

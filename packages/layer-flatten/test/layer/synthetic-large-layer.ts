/**
 * A generated layer tar with one file just over 8 GiB (zeros, then 'X'), sized by a PAX record as Go
 * writes it, followed by a small file. Nothing is stored: the bytes are produced as they are read.
 */
export const BIG_SIZE = 8 * 1024 ** 3 + 1;
/** sha256 of bigLayer(); recompute with `node --input-type=module` over this generator if it changes. */
export const BIG_LAYER_DIGEST = 'sha256:f7d12c6ffa5b01b97e0339aa655603107452a63274b9ec7cda67e77b7a804762';
export const BIG_LAYER_LENGTH = 512 * 3 + Math.ceil(BIG_SIZE / 512) * 512 + 512 * 2 + 1024;

function header(name: string, size: number, typeflag: string): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0);
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(`${Math.min(size, 0o77777777777).toString(8).padStart(11, '0')}\0`, 124);
  h.write('00000000000\0', 136);
  h.write(typeflag, 156);
  h.write('ustar\x0000', 257);
  h.write('        ', 148);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = body.length;
  while (`${len}${body}`.length !== len) len = `${len}${body}`.length;
  return `${len}${body}`;
}

export function* bigLayer(): Generator<Buffer> {
  const pax = Buffer.from(paxRecord('size', String(BIG_SIZE)));
  yield header('PaxHeaders/big', pax.length, 'x');
  yield Buffer.concat([pax, Buffer.alloc(512 - pax.length)]);
  yield header('big', BIG_SIZE, '0');
  const zero = Buffer.alloc(1 << 20);
  let left = BIG_SIZE - 1;
  while (left > 0) {
    const n = Math.min(left, zero.length);
    yield n === zero.length ? zero : zero.subarray(0, n);
    left -= n;
  }
  const tail = Buffer.alloc(Math.ceil(BIG_SIZE / 512) * 512 - (BIG_SIZE - 1));
  tail[0] = 0x58;
  yield tail;
  yield header('tail', 2, '0');
  yield Buffer.concat([Buffer.from('ok'), Buffer.alloc(510)]);
  yield Buffer.alloc(1024);
}

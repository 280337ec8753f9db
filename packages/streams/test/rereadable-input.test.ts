import { mkdtemp as makeTemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { execFileSync } from 'node:child_process';
import { openRereadableInput } from '../src/index.js';

async function text(source: AsyncIterable<Uint8Array> | Readable): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of source) parts.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(parts).toString();
}

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield Buffer.from(p);
}

const temps: string[] = [];
async function mkdtemp(prefix: string): Promise<string> {
  const dir = await makeTemp(prefix);
  temps.push(dir);
  return dir;
}
afterAll(async () => { await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true }))); });

describe('openRereadableInput', () => {
  it('reopens a file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'c2w-reread-'));
    await writeFile(join(dir, 'in'), 'abc');
    const input = await openRereadableInput(join(dir, 'in'));
    expect(await text(input.first())).toBe('abc');
    expect(await text(await input.again())).toBe('abc');
    await input.close();
  });

  it('spools a named pipe, which cannot be reopened', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'c2w-reread-'));
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const writer = writeFile(fifo, 'abc');
    const input = await openRereadableInput(fifo, 'input', dir);
    expect(await text(input.first())).toBe('abc');
    await writer;
    expect(await text(await input.again())).toBe('abc');
    await input.close();
    expect(await readdir(dir)).toEqual(['fifo']);
  });

  it('spools stdin while it is first read, and removes the spool on close', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'c2w-reread-'));
    const input = await openRereadableInput('-', 'input', dir, chunks('ab', 'cd'));
    await expect(input.again()).rejects.toThrow(/before the first one finished/);
    expect(await text(input.first())).toBe('abcd');
    expect(await text(await input.again())).toBe('abcd');
    await input.close();
    expect(await readdir(dir)).toEqual([]);
  });
});

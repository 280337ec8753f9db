#!/usr/bin/env node
// Helper of fs-slim.js (not a benchmark itself): one pass of the workspace's own tar codec,
// readTar -> TarWriter, IN to OUT. The JavaScript floor that fs-slim's two passes pay twice.
import { createReadStream, createWriteStream } from 'node:fs';
import { readTar, TarWriter } from '@c2w/streams';

const [input, output] = process.argv.slice(2);
const writer = new TarWriter(createWriteStream(output, { highWaterMark: 1 << 20 }));
for await (const { header, body } of readTar(createReadStream(input, { highWaterMark: 1 << 20 }))) {
  await writer.add(header, header.type === 'file' ? body : undefined);
}
await writer.finish();

#!/usr/bin/env node
// Helper of net.js (not a benchmark itself): runs the wasm machine with --net and the published
// ports given as JSON in argv[2] ({ args: [...], forwards: [{ hostPort, guestPort }] }), console
// on this process's stdin/stdout, so net.js can drive it like QEMU's.
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..', '..');
const { parseArgs, runMachine } = await import(pathToFileURL(join(root, 'packages/machine/dist/index.js')).href);
const { args, forwards } = JSON.parse(process.argv[2]);
process.exitCode = await runMachine({ ...parseArgs(args), net: { forwards } });

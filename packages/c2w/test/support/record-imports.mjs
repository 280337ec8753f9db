// Preloaded with `node --import`: records every module URL the process resolves (ESM and the
// CommonJS modules ESM imports), one per line, into the file $C2W_RECORD_IMPORTS.
import { register } from 'node:module';

register(new URL('./record-imports-hooks.mjs', import.meta.url), { data: process.env.C2W_RECORD_IMPORTS });

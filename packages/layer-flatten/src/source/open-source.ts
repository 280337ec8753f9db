import { stat } from 'node:fs/promises';
import { InputError } from '@c2w/errors';
import { credentialsFromFlags, dockerConfigCredentials, type CredentialFlags } from '../registry/credentials.js';
import { registrySource } from '../registry/registry-source.js';
import { dockerArchiveSource } from './docker-archive.js';
import { archiveStore, directoryStore } from './file-store.js';
import type { ImageSource } from './image-source.js';
import { ociLayoutSource } from './oci-layout.js';
import { parseSource } from './source-spec.js';

export interface SourceOptions extends CredentialFlags {
  insecure?: boolean | undefined;
  env?: NodeJS.ProcessEnv;
  /** Registry retry tuning (tests shorten it). */
  attempts?: number;
  backoffMs?: number;
}

export async function openSource(text: string, options: SourceOptions = {}): Promise<ImageSource> {
  const spec = parseSource(text);
  switch (spec.kind) {
    case 'oci': {
      const st = await stat(spec.path).catch(() => undefined);
      if (!st?.isDirectory()) throw new InputError(`oci:${spec.path}: not a directory`);
      return ociLayoutSource(directoryStore(spec.path), spec.ref, `oci:${spec.path}${spec.ref ? `:${spec.ref}` : ''}`);
    }
    case 'oci-archive': {
      const description = `oci-archive:${spec.path}${spec.ref ? `:${spec.ref}` : ''}`;
      return ociLayoutSource(await archiveStore(spec.path, description), spec.ref, description);
    }
    case 'docker-archive': {
      const description = `docker-archive:${spec.path}${spec.ref ? `:${spec.ref}` : ''}`;
      return dockerArchiveSource(await archiveStore(spec.path, description), spec.ref, description);
    }
    case 'registry': {
      const credentials = credentialsFromFlags(options) ?? await dockerConfigCredentials(spec.ref.registry, options.env);
      return registrySource(spec.ref, { credentials, insecure: options.insecure ?? false, attempts: options.attempts, backoffMs: options.backoffMs });
    }
  }
}

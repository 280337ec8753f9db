import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { EnvironmentError, InputError, UsageError } from '@c2w/errors';

export interface Credentials { username: string; password: string }

export interface CredentialFlags { creds?: string | undefined; username?: string | undefined; password?: string | undefined }

/** --creds USER:PASS, or --username with --password; both forms at once is a usage error. */
export function credentialsFromFlags(flags: CredentialFlags): Credentials | undefined {
  if (flags.creds !== undefined) {
    if (flags.username !== undefined || flags.password !== undefined) throw new UsageError('give either --creds or --username/--password, not both');
    const i = flags.creds.indexOf(':');
    if (i <= 0) throw new UsageError('--creds expects USER:PASSWORD');
    return { username: flags.creds.slice(0, i), password: flags.creds.slice(i + 1) };
  }
  if ((flags.username === undefined) !== (flags.password === undefined)) throw new UsageError('--username and --password go together');
  return flags.username !== undefined ? { username: flags.username, password: flags.password ?? '' } : undefined;
}

/**
 * Basic credentials for a registry from Docker's config.json ($DOCKER_CONFIG or ~/.docker): the
 * `auths` entry whose key names the host (with or without scheme or path; Docker Hub is keyed
 * `https://index.docker.io/v1/`). Credential helpers are not run.
 */
export async function dockerConfigCredentials(registry: string, env: NodeJS.ProcessEnv = process.env): Promise<Credentials | undefined> {
  const path = join(env['DOCKER_CONFIG'] ?? join(env['HOME'] ?? homedir(), '.docker'), 'config.json');
  const config = await readDockerConfig(path);
  if (!config) return undefined;
  const wanted = new Set([registry]);
  if (registry === 'docker.io') for (const alias of ['index.docker.io', 'registry-1.docker.io']) wanted.add(alias);
  for (const [key, entry] of Object.entries(config.auths)) {
    const host = key.replace(/^[a-z]+:\/\//, '').split('/')[0] ?? '';
    if (!wanted.has(host)) continue;
    if (entry.username && entry.password !== undefined) return { username: entry.username, password: entry.password };
    if (entry.auth) {
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      if (i > 0) return { username: decoded.slice(0, i), password: decoded.slice(i + 1) };
    }
  }
  return undefined;
}

type AuthEntry = { auth?: string; username?: string; password?: string };

/**
 * Docker's config.json, or undefined when there is none. A broken one is an error naming the file
 * (exit 1): treated as absent, it would turn into a puzzling 401 from the registry.
 */
async function readDockerConfig(path: string): Promise<{ auths: Record<string, AuthEntry> } | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new EnvironmentError(`cannot read registry credentials ${path}: ${code ?? String(err)}`, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new InputError(`registry credentials ${path} are not JSON: ${(err as Error).message}`, { cause: err });
  }
  const auths = isObject(json) ? json['auths'] ?? {} : undefined;
  if (!isObject(auths) || !Object.values(auths).every(isObject)) {
    throw new InputError(`registry credentials ${path}: expected an object with an "auths" object of registries`);
  }
  return { auths: auths as Record<string, AuthEntry> };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

import { execa } from 'execa';
import { EnvironmentError, InputError } from '@c2w/errors';
import { parseStanzas } from './control-fields.js';

export const DEBIAN_KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';

export interface IndexFile {
  path: string;
  sha256: string;
  size: number;
}

export interface Release {
  suite: string;
  codename: string;
  date: string;
  /** Every file the release lists in its SHA256 field, by path relative to dists/<suite>/. */
  files: Map<string, IndexFile>;
  /** "Packages" when arch-all packages are also listed in every binary-<arch> index. */
  noArchAll: string | undefined;
}

/**
 * Checks the clearsigned InRelease with gpgv against the Debian archive keyring, the same check
 * apt makes. gpgv is a plain verifier (no trust database, no network); a tampered file or an
 * unknown key fails with exit 1 here.
 */
export async function verifyInRelease(path: string, keyring = DEBIAN_KEYRING): Promise<void> {
  let result;
  try {
    result = await execa('gpgv', ['--keyring', keyring, path], { reject: false, stdin: 'ignore' });
  } catch (err) {
    throw new EnvironmentError(`cannot run gpgv to verify ${path} (apt-get install gpgv)`, { cause: err });
  }
  if (result.failed && result.exitCode === undefined) throw new EnvironmentError(`cannot run gpgv to verify ${path}: ${result.shortMessage}`);
  if (result.exitCode !== 0) {
    // "BAD signature", not "BAD": case-insensitively a bare BAD matches key ids (`using RSA key BADD77...`).
    const why = String(result.stderr).split('\n').filter((l) => /BAD signature|NO_PUBKEY|Can't check|no valid OpenPGP|not a detached|verify signatures failed/i.test(l))[0];
    throw new InputError(`InRelease signature check failed (gpgv --keyring ${keyring}): ${why ?? `gpgv exit ${result.exitCode}`}`);
  }
}

/**
 * The signed part of a clearsigned message. Only text between the armor headers is trusted: we
 * verify first, then parse exactly what gpgv verified (dash-escaping undone per RFC 4880 7.1).
 */
export function signedText(clearsigned: string): string {
  const begin = clearsigned.indexOf('-----BEGIN PGP SIGNED MESSAGE-----\n');
  const sig = clearsigned.indexOf('\n-----BEGIN PGP SIGNATURE-----');
  if (begin !== 0 || sig < 0) throw new InputError('InRelease is not a clearsigned message');
  const headerEnd = clearsigned.indexOf('\n\n', begin);
  if (headerEnd < 0 || headerEnd > sig) throw new InputError('InRelease: malformed armor header');
  return clearsigned.slice(headerEnd + 2, sig).split('\n').map((l) => (l.startsWith('- ') ? l.slice(2) : l)).join('\n');
}

export function parseRelease(text: string): Release {
  const [stanza] = [...parseStanzas(text, 'InRelease')];
  if (!stanza) throw new InputError('InRelease: empty');
  const files = new Map<string, IndexFile>();
  for (const line of (stanza.get('SHA256') ?? '').split('\n')) {
    if (!line.trim()) continue;
    const m = /^([0-9a-f]{64})\s+(\d+)\s+(\S+)$/.exec(line.trim());
    if (!m) throw new InputError(`InRelease: bad SHA256 line ${JSON.stringify(line)}`);
    files.set(m[3]!, { path: m[3]!, sha256: m[1]!, size: Number(m[2]) });
  }
  if (!files.size) throw new InputError('InRelease has no SHA256 field');
  return {
    suite: stanza.get('Suite') ?? '',
    codename: stanza.get('Codename') ?? '',
    date: stanza.get('Date') ?? '',
    files,
    noArchAll: stanza.get('No-Support-for-Architecture-all'),
  };
}

import { readFile } from 'node:fs/promises';
import { EnvironmentError } from '@c2w/errors';
import { parseStanzas } from './control-fields.js';

/**
 * The Debian mirror the host's apt is configured with: the first non-security `URIs:` of
 * /etc/apt/sources.list.d/debian.sources (deb822), else the first `deb` line of
 * /etc/apt/sources.list. Only the host knows which mirror it can reach.
 */
export async function hostDebianMirror(files = { sources: '/etc/apt/sources.list.d/debian.sources', list: '/etc/apt/sources.list' }): Promise<string> {
  const sources = await readFile(files.sources, 'utf8').catch(() => '');
  for (const stanza of parseStanzas(sources.split('\n').filter((l) => !l.startsWith('#')).join('\n'), files.sources)) {
    const uri = stanza.get('URIs')?.split(/\s+/)[0];
    const suites = stanza.get('Suites') ?? '';
    if (uri && !/-security\b/.test(suites) && !/security/.test(uri)) return uri.replace(/\/+$/, '');
  }
  const list = await readFile(files.list, 'utf8').catch(() => '');
  for (const line of list.split('\n')) {
    const m = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line.trim());
    if (m && !/security/.test(m[1]!)) return m[1]!.replace(/\/+$/, '');
  }
  throw new EnvironmentError(`cannot find the host's Debian mirror in ${files.sources} or ${files.list}; pass --mirror URL`);
}

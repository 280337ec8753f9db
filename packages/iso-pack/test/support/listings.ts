import { execa } from 'execa';

/**
 * `isoinfo -l` of one view (-J: the Joliet tree, -R: Rock Ridge) as sorted lines
 * `<type letter> <path>`, without `.`, `..`, versions (`;1`) or symlink targets.
 */
export async function isoinfoListing(iso: string, view: '-J' | '-R'): Promise<string[]> {
  const out: string[] = [];
  let dir = '';
  for (const line of (await execa('isoinfo', ['-l', view, '-i', iso], { maxBuffer: 1 << 26 })).stdout.split('\n')) {
    const heading = /^Directory listing of (.*)$/.exec(line);
    if (heading) { dir = heading[1]!; continue; }
    const entry = /\]\s+(.+?)\s*$/.exec(line);
    if (!entry || entry[1] === '.' || entry[1] === '..') continue;
    out.push(`${line[0]} ${dir}${entry[1]!.replace(/;1$/, '').replace(/ -> .*$/, '')}`);
  }
  return out.sort();
}

/** Paths as 7-Zip lists them (`7z l -ba`; it reads the Joliet tree when there is one). */
export async function sevenZipNames(iso: string): Promise<string[]> {
  const lines = (await execa('7z', ['l', '-ba', iso], { maxBuffer: 1 << 26 })).stdout.split('\n').filter(Boolean);
  // -ba rows: date, time, attributes, size and packed size in fixed columns, then the path.
  return lines.map((l) => l.slice(53)).sort();
}

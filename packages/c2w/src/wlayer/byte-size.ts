import { UsageError } from '@c2w/errors';

const UNITS: Record<string, number> = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 };

/** `16G`, `512M`, `1T`, `4096` (binary units, as --memory takes them) to bytes; `what` names the flag in errors. */
export function parseByteSize(text: string, what: string): number {
  const m = /^(\d+)([KMGT]?)(?:i?B)?$/i.exec(text.trim());
  const bytes = m ? Number(m[1]) * UNITS[m[2]!.toUpperCase()]! : NaN;
  if (!Number.isSafeInteger(bytes) || bytes <= 0) throw new UsageError(`${what} ${JSON.stringify(text)}: expected a size such as 512M, 16G or 1T`);
  return bytes;
}

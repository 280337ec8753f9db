import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ContainerState } from '@c2w/artifacts';
import { InputError } from '@c2w/errors';
import { writeAtomically } from '@c2w/streams/atomic-output';

export const STATE_FILE = 'state.json';

/** The state's record, or undefined for a new state (no state.json yet). */
export async function readStateRecord(dir: string): Promise<ContainerState | undefined> {
  const path = join(dir, STATE_FILE);
  const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (text === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new InputError(`${path} is not JSON: ${(err as Error).message}`, { cause: err });
  }
  const parsed = ContainerState.safeParse(json);
  if (!parsed.success) throw new InputError(`${path} is not a c2w container state: ${parsed.error.issues[0]?.path.join('.') || '(root)'}: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

export async function writeStateRecord(dir: string, record: ContainerState): Promise<void> {
  const path = join(dir, STATE_FILE);
  await writeAtomically(path, path, async (out) => { out.end(`${JSON.stringify(record, null, 1)}\n`); });
}

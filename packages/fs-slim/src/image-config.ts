import { ImageConfig } from '@c2w/artifacts';
import { InputError } from '@c2w/errors';
import type { ImageRuntime } from './image-command.js';

/** The runtime part of an OCI image config (what `layer-flatten --config-out` writes). */
export function imageRuntimeFromConfig(json: string, where: string): ImageRuntime {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (err) {
    throw new InputError(`${where}: not JSON: ${(err as Error).message}`, { cause: err });
  }
  const parsed = ImageConfig.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(`${where}: not an OCI image config: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  const c = parsed.data.config ?? {};
  return { entrypoint: c.Entrypoint ?? [], cmd: c.Cmd ?? [], env: c.Env ?? [], workingDir: c.WorkingDir ?? '' };
}

/**
 * @c2w/machine, loaded on first use so the other commands never pay for it. node:wasi prints an
 * ExperimentalWarning when first loaded; the container owns our stderr, so that one warning is
 * dropped.
 */
export async function loadMachine(): Promise<typeof import('@c2w/machine')> {
  const emit = process.emitWarning.bind(process);
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    if (String(warning).includes('WASI is an experimental feature')) return;
    (emit as (...a: unknown[]) => void)(warning, ...rest);
  }) as typeof process.emitWarning;
  return import('@c2w/machine');
}

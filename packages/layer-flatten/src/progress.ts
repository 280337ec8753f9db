/**
 * Per-layer progress events. The library only reports them; the command turns them into status
 * text for cli-kit's createProgress, the one place that draws on a terminal.
 */
export interface Progress {
  layerStart(index: number, count: number, digest: string, size: number): void;
  bytes(n: number): void;
  layerEnd(): void;
  writing(): void;
  done(): void;
}

export const silentProgress: Progress = { layerStart() {}, bytes() {}, layerEnd() {}, writing() {}, done() {} };

/** Progress events as status text (`layer 2 of 5 sha256:abcd1234 12.0/40.1 MiB`) for a status line. */
export function progressStatus(status: (text: string) => void): Progress {
  let label = '';
  let total = 0;
  let seen = 0;
  const mib = (n: number) => (n / (1 << 20)).toFixed(1);
  const show = () => status(`${label} ${mib(seen)}/${mib(total)} MiB`);
  return {
    layerStart(index, count, digest, size) {
      label = `layer ${index} of ${count} ${digest.slice(7, 19)}`;
      total = size;
      seen = 0;
      show();
    },
    bytes(n) {
      seen += n;
      show();
    },
    layerEnd() {
      show();
    },
    writing() {
      status('writing the flattened tree');
    },
    done() {},
  };
}

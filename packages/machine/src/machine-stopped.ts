import { C2wError } from '@c2w/errors';

/**
 * The machine itself failed (a wasm trap, its worker thread died), as opposed to the guest
 * exiting: exit 4, runtime failure, never the internal-error 70 of a bug in the host.
 */
export class MachineStoppedError extends C2wError {
  constructor(reason: string, options?: { cause?: unknown }) {
    super('runtime', `the machine stopped unexpectedly: ${reason}`, options);
  }
}

/**
 * The host end of the machine's network: a UserNet (packages/usernet) on the calling thread's
 * event loop, joined to the worker by two FrameRings. Frames for the guest that do not fit wait
 * in a short queue; bulk TCP data waits in its connection instead (UserNet asks `hasRoom`), so
 * memory stays bounded by the connections' windows. Published ports listen before the machine
 * starts, so a port in use fails the run at once.
 */
import { EnvironmentError } from '@c2w/errors';
import { UserNet, type PortForward } from '@c2w/usernet';
import { FrameRing } from './frame-ring.js';
import type { StdinRing } from './stdin-ring.js';

export interface NetOptions {
  /** `-p HOST:GUEST` TCP ports published on 127.0.0.1. */
  forwards?: PortForward[];
  /** DNS servers for the guest's queries ("IP" or "IP:PORT"); default: the host's getaddrinfo. */
  dnsServers?: string[];
}

export interface RunningNet {
  rings: { toGuest: SharedArrayBuffer; fromGuest: SharedArrayBuffer };
  stop(): void;
}

export async function startNet(opts: NetOptions, bell: StdinRing): Promise<RunningNet> {
  const toGuest = new FrameRing();
  const fromGuest = new FrameRing();
  const queue: Uint8Array[] = [];
  let stopped = false;
  let flushing = false;

  const flush = async (): Promise<void> => {
    if (flushing) return;
    flushing = true;
    try {
      while (!stopped && queue.length > 0) {
        while (queue.length > 0 && toGuest.write(queue[0]!)) queue.shift();
        bell.ring();
        if (queue.length === 0) break;
        await toGuest.waitTaken(100); // the machine reads as the guest posts buffers
      }
      if (!stopped) net.linkDrained();
    } finally {
      flushing = false;
    }
  };

  const net = new UserNet({
    send(frame) {
      if (queue.length === 0 && toGuest.write(frame)) { bell.ring(); return; }
      queue.push(frame);
      void flush();
    },
    // bulk data waits while anything is queued: only control frames (ACKs, SYNs, ARP, DNS) queue
    hasRoom: () => queue.length === 0,
  }, opts.dnsServers ? { dnsServers: opts.dnsServers } : {});

  for (const f of opts.forwards ?? []) {
    await net.forward(f).catch((e: NodeJS.ErrnoException) => {
      net.close();
      throw new EnvironmentError(`cannot publish port ${f.hostPort} on ${f.hostAddress ?? '127.0.0.1'}: ${e.code ?? e.message}`, { cause: e });
    });
  }

  // frames from the guest, as they come (the worker notifies the ring)
  void (async () => {
    while (!stopped) {
      let any = false;
      for (let f = fromGuest.read(); f; f = fromGuest.read()) { net.receive(Buffer.from(f.buffer, f.byteOffset, f.length)); any = true; }
      if (any) bell.ring(); // room again for a frame the machine holds
      await fromGuest.waitReadable(1000);
    }
  })();

  return {
    rings: { toGuest: toGuest.sab, fromGuest: fromGuest.sab },
    stop() {
      stopped = true;
      net.close();
      fromGuest.wake();
      toGuest.wake();
    },
  };
}

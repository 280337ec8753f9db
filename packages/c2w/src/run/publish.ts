// `-p HOST_PORT:CONTAINER_PORT[/tcp]` as `docker run -p` spells it (only TCP, only 127.0.0.1).
import { UsageError } from '@c2w/errors';

export interface Publish {
  hostPort: number;
  guestPort: number;
}

/** Parses one -p value (syntax only; usage errors, exit 2). */
export function parsePublish(spec: string): Publish {
  const m = /^(\d{1,5}):(\d{1,5})(?:\/(tcp|udp))?$/.exec(spec);
  if (!m) throw new UsageError(`-p '${spec}': expected HOST_PORT:CONTAINER_PORT[/tcp]`);
  if (m[3] === 'udp') throw new UsageError(`-p '${spec}': only TCP ports can be published`);
  const hostPort = Number(m[1]);
  const guestPort = Number(m[2]);
  if (hostPort < 1 || hostPort > 65535 || guestPort < 1 || guestPort > 65535) throw new UsageError(`-p '${spec}': ports are 1..65535`);
  return { hostPort, guestPort };
}

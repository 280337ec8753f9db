import type { ContainerState } from '@c2w/artifacts';
import type { LoadedBundle } from '../run/read-bundle.js';

/** A bundle's identity for a writable layer: its root disks' digests (the lower layers) and its image. */
export function bundleImage(b: LoadedBundle): ContainerState['image'] {
  return {
    rootDisks: b.bundle.disks.map((d) => b.bundle.files[d.file]!.digest),
    manifestDigest: b.bundle.image.manifestDigest,
  };
}

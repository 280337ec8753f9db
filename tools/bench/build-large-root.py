#!/usr/bin/env python3
"""Writes a large root (issue 18: the 16 GB case) as an OCI layout: the example image (busybox,
riscv64) plus one gzip layer made here directly (tarfile -> pigz -1 -> blobs/sha256), so nothing
holds a file or the layer in memory and most bytes are zero runs that gzip and the disk pass fast.

usage: build-large-root.py EXAMPLE_LAYOUT OUTDIR [--gib N] [--files N] [--big-mib N] [--big-dirs N]
       -> OUTDIR/oci, tag "large"; OUTDIR/done (JSON: the expected results) when complete

The layer (deterministic: fixed mtimes, seeded names and sizes, pigz -n):
  /large/big.bin      a file over 4 GiB (--big-mib, default 4.5 GiB), zeros with
                      32-byte markers "C2W-MARKER@<offset>" at offsets before, across and past 4 GiB
  /large/fill/NN.bin  files of up to 1 GiB to reach --gib GiB of file data in all: every
                      third one (from the first) a repeated 4 KiB pattern, data that is no hole
  /site/...           --files small files (default 100,000) with ~130-byte sage-like names:
                      --big-dirs (default 2) directories of 10,000 entries, the rest of 1,000
  /usr/local/bin/large-check  the program the image runs: prints the markers it reads with dd,
                      the number of files under /site and a checksum of one pattern file's 4 KiB
"""
import argparse
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile

EPOCH = 1700000000
GIB = 1 << 30
MARKER_LEN = 32
PATTERN = bytes((i * 7 + (i >> 8) * 13) & 0xFF for i in range(4096))
ZEROS = bytes(1 << 20)


def sage(d, i):
    """Sage-like names: a long shared prefix, differing late (as Cython build products do)."""
    kinds = ('face_iterator', 'list_of_faces', 'conversions', 'polyhedron_face_lattice')
    return (f'cython_debug_info_sage.geometry.polyhedron.combinatorial_polyhedron.base_{d}_{i:05d}.'
            f'{kinds[i % 4]}.cpython-311-riscv64-linux-gnu.so')


def marker_offsets(size):
    """Before 4 GiB, straddling it, past it (unaligned) and the file's last bytes (those that fit)."""
    return [o for o in (4096, GIB * 4 - 16, GIB * 4 + 12345, GIB * 4 + 257 * 409600 + 7) if o + MARKER_LEN < size] + [size - MARKER_LEN]


def marker(off):
    return f'C2W-MARKER@{off}'.encode().ljust(MARKER_LEN, b'.')


class Body(io.RawIOBase):
    """A file body from a generator of chunks (zeros, a pattern, markers), never held whole."""

    def __init__(self, chunks):
        self.chunks, self.rest = chunks, b''

    def readable(self):
        return True

    def readinto(self, b):
        while not self.rest:
            self.rest = next(self.chunks, None)
            if self.rest is None:
                self.rest = b''
                return 0
        n = min(len(b), len(self.rest))
        b[:n] = self.rest[:n]
        self.rest = self.rest[n:]
        return n


def zeros_with_markers(size, marks):
    """Zeros of `size` bytes with each (offset, bytes) of `marks` in place, in 1 MiB chunks."""
    pos, todo = 0, sorted(marks)
    while pos < size:
        end = min(size, pos + len(ZEROS))
        chunk = None
        for off, data in todo:
            if off < end and off + len(data) > pos:
                chunk = chunk or bytearray(ZEROS[:end - pos])
                a, b = max(off, pos), min(off + len(data), end)
                chunk[a - pos:b - pos] = data[a - off:b - off]
        yield memoryview(chunk if chunk is not None else ZEROS)[:end - pos]
        pos = end


def pattern(size):
    big = PATTERN * 256
    pos = 0
    while pos < size:
        n = min(len(big), size - pos)
        yield memoryview(big)[:n]
        pos += n


class HashingWriter(io.RawIOBase):
    """Counts and hashes the uncompressed layer (its diff_id) on its way to pigz."""

    def __init__(self, sink):
        self.sink, self.hash, self.size = sink, hashlib.sha256(), 0

    def writable(self):
        return True

    def write(self, b):
        self.hash.update(b)
        self.size += len(b)
        self.sink.write(b)
        return len(b)


def info(name, typ=tarfile.REGTYPE, size=0, mode=None):
    i = tarfile.TarInfo(name)
    i.type, i.size, i.mtime, i.uid, i.gid = typ, size, EPOCH, 0, 0
    i.mode = mode if mode is not None else (0o755 if typ == tarfile.DIRTYPE else 0o644)
    return i


CHECK = r'''#!/bin/sh
# large-check: what the large-root benchmark and e2e test read back (tools/bench/build-large-root.py)
for off in %(offsets)s; do
  printf 'marker %%s %%s\n' "$off" "$(busybox dd if=/large/big.bin bs=1 skip="$off" count=%(len)d 2>/dev/null)"
done
printf 'files %%s\n' "$(busybox find /site -type f | busybox wc -l)"
printf 'pattern %%s\n' "$(busybox dd if=/large/fill/%(pattern_file)s bs=4096 skip=%(pattern_block)d count=1 2>/dev/null | busybox md5sum | busybox cut -c1-32)"
printf 'size %%s\n' "$(busybox stat -c %%s /large/big.bin)"  # wc would read all of it
'''


def fill_layer(tf, gib, files, big, big_dirs):
    offsets = marker_offsets(big)
    tf.addfile(info('large', tarfile.DIRTYPE))
    tf.addfile(info('large/big.bin', size=big), Body(zeros_with_markers(big, [(o, marker(o)) for o in offsets])))
    tf.addfile(info('large/fill', tarfile.DIRTYPE))
    rest, k, pattern_file = max(0, gib * GIB - big), 0, None
    while rest > 0:
        size = min(GIB, rest)
        name = f'{k:02d}.bin'
        if k % 3 == 0:
            pattern_file = pattern_file or (name, size)
            body = pattern(size)
        else:
            body = zeros_with_markers(size, [])
        tf.addfile(info(f'large/fill/{name}', size=size), Body(body))
        rest -= size
        k += 1
    tf.addfile(info('site', tarfile.DIRTYPE))
    n, d = 0, 0
    while n < files:
        per = 10000 if d < big_dirs else 1000
        per = min(per, files - n)
        top = f'site/pkg{d:03d}'
        tf.addfile(info(top, tarfile.DIRTYPE))
        for i in range(per):
            body = f'# {d}/{i}\n'.encode() * (1 + (i * 7919) % 23)
            tf.addfile(info(f'{top}/{sage(d, i)}', size=len(body)), io.BytesIO(body))
        n += per
        d += 1
    pf = pattern_file or ('none', 0)
    script = (CHECK % {'offsets': ' '.join(map(str, offsets)), 'len': MARKER_LEN, 'pattern_file': pf[0],
                       'pattern_block': max(0, pf[1] // 4096 - 3)}).encode()
    for dname in ('usr', 'usr/local', 'usr/local/bin'):
        tf.addfile(info(dname, tarfile.DIRTYPE))
    tf.addfile(info('usr/local/bin/large-check', size=len(script), mode=0o755), io.BytesIO(script))
    return {'bigSize': big, 'markers': {str(o): marker(o).decode() for o in offsets}, 'files': files,
            'pattern': hashlib.md5(PATTERN).hexdigest() if pattern_file else None, 'dataBytes': big + max(0, gib * GIB - big)}


def layer(blobs, fill):
    """Runs fill(tar) into a gzip blob; returns (descriptor, diff_id, what fill returned)."""
    tmp = os.path.join(blobs, 'layer.tmp')
    with open(tmp, 'wb') as f:
        pigz = subprocess.Popen(['pigz', '-1', '-n', '-c'], stdin=subprocess.PIPE, stdout=f)
        w = HashingWriter(pigz.stdin)
        with tarfile.open(fileobj=w, mode='w|', format=tarfile.PAX_FORMAT, bufsize=1 << 20, copybufsize=1 << 20) as tf:
            result = fill(tf)
        pigz.stdin.close()
        if pigz.wait() != 0:
            raise SystemExit('build-large-root: pigz failed')
    h = hashlib.sha256()
    with open(tmp, 'rb') as f:
        while chunk := f.read(1 << 22):
            h.update(chunk)
    path = os.path.join(blobs, h.hexdigest())
    os.rename(tmp, path)
    desc = {'mediaType': 'application/vnd.oci.image.layer.v1.tar+gzip', 'digest': 'sha256:' + h.hexdigest(), 'size': os.path.getsize(path)}
    print(f'build-large-root: layer {w.size / 1e9:.2f} GB uncompressed, {desc["size"] / 1e6:.1f} MB gzip', file=sys.stderr)
    return desc, 'sha256:' + w.hash.hexdigest(), result


def read_blob(layout, digest):
    with open(os.path.join(layout, 'blobs', 'sha256', digest.split(':')[1]), 'rb') as f:
        return json.load(f)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('example')
    ap.add_argument('out')
    ap.add_argument('--gib', type=int, default=16)
    ap.add_argument('--files', type=int, default=100000)
    ap.add_argument('--big-mib', type=int, default=4608)
    ap.add_argument('--big-dirs', type=int, default=2)
    a = ap.parse_args()
    if os.path.exists(os.path.join(a.out, 'done')):
        return
    work = a.out + '.tmp'
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(a.example, os.path.join(work, 'oci'))
    layout = os.path.join(work, 'oci')
    blobs = os.path.join(layout, 'blobs', 'sha256')
    with open(os.path.join(layout, 'index.json')) as f:
        index = json.load(f)
    base = next(m for m in index['manifests'] if m.get('annotations', {}).get('org.opencontainers.image.ref.name') == 'latest')
    manifest = read_blob(layout, base['digest'])
    config = read_blob(layout, manifest['config']['digest'])
    desc, diff_id, expected = layer(blobs, lambda tf: fill_layer(tf, a.gib, a.files, a.big_mib << 20, a.big_dirs))

    def put(obj):
        b = json.dumps(obj, separators=(',', ':')).encode()
        h = hashlib.sha256(b).hexdigest()
        with open(os.path.join(blobs, h), 'wb') as f:
            f.write(b)
        return {'digest': 'sha256:' + h, 'size': len(b)}

    config['rootfs']['diff_ids'].append(diff_id)
    config['config']['Cmd'] = ['/usr/local/bin/large-check']
    config.setdefault('history', []).append({'created': '2023-11-14T22:13:20Z', 'created_by': 'build-large-root.py'})
    manifest['config'] = {**manifest['config'], **put(config)}
    manifest['layers'].append(desc)
    m = put(manifest)
    index['manifests'] = [{'mediaType': 'application/vnd.oci.image.manifest.v1+json', **m,
                           'annotations': {'org.opencontainers.image.ref.name': 'large'}}]
    with open(os.path.join(layout, 'index.json'), 'w') as f:
        json.dump(index, f)
    with open(os.path.join(work, 'done'), 'w') as f:
        json.dump({**expected, 'gib': a.gib, 'layerBytes': desc['size']}, f)
    shutil.rmtree(a.out, ignore_errors=True)
    os.rename(work, a.out)


main()

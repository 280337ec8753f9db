#!/usr/bin/env python3
"""Writes the 2 GB benchmark image of tools/bench/layer-flatten.js as an OCI layout, directly
(tarfile -> pigz -1 -> blobs/sha256), because umoci would spend minutes recompressing 2 GB.

usage: build-large-image.py OUTDIR     -> OUTDIR/oci, tag "large"; OUTDIR/done when complete

Content is pseudo-random (slices of a 64 MiB pool from a seeded PRNG at hopping offsets), so gzip
cannot shrink it and nothing downstream gets an easy ride from zero runs or repeats within its
32 KiB window. Layers (2.6 GB uncompressed; 2.0 GB and about 56,000 paths once flattened):
  1 base     30,000 files of 256 B..64 KiB (log-uniform) in 300 directories, 1,200 symlinks,
             300 hardlinks, some owned by 1000:1000 and mode 0600/0755
  2 update   20,000 new files, 1,000 file whiteouts, one opaque directory, 500 replaced files
  3 big      three files of 512 MiB
  4 app      one 256 MiB file, 5,000 small files, hardlinks to the big files, one big file replaced
"""
import hashlib
import io
import json
import os
import random
import shutil
import subprocess
import sys
import tarfile

OUT = sys.argv[1]
EPOCH = 1700000000
POOL_SIZE = 64 << 20
rng = random.Random(20240501)
POOL = rng.randbytes(POOL_SIZE)


class PoolReader(io.RawIOBase):
    """`size` bytes of pool slices starting at a hopping offset: a file body without a buffer."""

    def __init__(self, size, seed):
        self.left = size
        self.pos = (seed * 2654435761) % (POOL_SIZE - (1 << 20))
        self.hop = seed

    def readable(self):
        return True

    def readinto(self, b):
        n = min(len(b), self.left, 1 << 20, POOL_SIZE - self.pos)
        if n <= 0:
            return 0
        b[:n] = POOL[self.pos:self.pos + n]
        self.left -= n
        self.hop += 1
        self.pos = (self.pos + n + self.hop * 40503 * 4096) % (POOL_SIZE - (1 << 20))
        return n


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


def small_size(r):
    return int(256 * (256 ** r.random()))          # log-uniform 256 B .. 64 KiB


def info(name, typ=tarfile.REGTYPE, size=0, mode=None, uid=0, link=''):
    i = tarfile.TarInfo(name)
    i.type, i.size, i.mtime, i.uid, i.gid, i.linkname = typ, size, EPOCH, uid, uid, link
    i.mode = mode if mode is not None else (0o755 if typ == tarfile.DIRTYPE else 0o644)
    return i


def layer(blobs, fill):
    """Runs fill(tar) into a gzip blob; returns (descriptor, diff_id, uncompressed size)."""
    tmp = os.path.join(blobs, 'layer.tmp')
    with open(tmp, 'wb') as f:
        pigz = subprocess.Popen(['pigz', '-1', '-n', '-c'], stdin=subprocess.PIPE, stdout=f)
        w = HashingWriter(pigz.stdin)
        with tarfile.open(fileobj=w, mode='w|', format=tarfile.PAX_FORMAT, bufsize=1 << 20) as tf:
            fill(tf)
        pigz.stdin.close()
        if pigz.wait() != 0:
            raise SystemExit('pigz failed')
    h = hashlib.sha256()
    with open(tmp, 'rb') as f:
        while chunk := f.read(1 << 22):
            h.update(chunk)
    os.rename(tmp, os.path.join(blobs, h.hexdigest()))
    desc = {'mediaType': 'application/vnd.oci.image.layer.v1.tar+gzip', 'digest': 'sha256:' + h.hexdigest(), 'size': os.path.getsize(os.path.join(blobs, h.hexdigest()))}
    print(f'layer {desc["digest"][7:19]}: {w.size / 1e6:.0f} MB uncompressed, {desc["size"] / 1e6:.0f} MB gzip', file=sys.stderr)
    return desc, 'sha256:' + w.hash.hexdigest(), w.size


def add_file(tf, name, size, seed, **kw):
    tf.addfile(info(name, size=size, **kw), io.BufferedReader(PoolReader(size, seed), 1 << 20))


def base(tf):
    r = random.Random(1)
    tf.addfile(info('usr', tarfile.DIRTYPE))           # declared, as real images do (umoci would
    tf.addfile(info('usr/lib', tarfile.DIRTYPE))       # give undeclared parents the current time)
    for d in range(300):
        top = f'usr/lib/pkg{d // 30:02d}/mod{d:03d}'
        if d % 30 == 0:
            tf.addfile(info(f'usr/lib/pkg{d // 30:02d}', tarfile.DIRTYPE))
        tf.addfile(info(top, tarfile.DIRTYPE))
        for i in range(100):
            n = d * 100 + i
            mode, uid = (0o755, 0) if i % 10 == 0 else (0o600, 1000) if i % 17 == 0 else (0o644, 0)
            add_file(tf, f'{top}/file{i:03d}.dat', small_size(r), n, mode=mode, uid=uid)
        for i in range(2):
            tf.addfile(info(f'{top}/link{i}', tarfile.SYMTYPE, mode=0o777, link=f'file{i:03d}.dat'))
            tf.addfile(info(f'{top}/abs{i}', tarfile.SYMTYPE, mode=0o777, link=f'/{top}/file{i + 2:03d}.dat'))
        tf.addfile(info(f'{top}/hard', tarfile.LNKTYPE, link=f'{top}/file005.dat'))


def update(tf):
    r = random.Random(2)
    for d in range(200):
        top = f'opt/app/part{d:03d}'
        if d == 0:
            tf.addfile(info('opt', tarfile.DIRTYPE))
            tf.addfile(info('opt/app', tarfile.DIRTYPE))
        tf.addfile(info(top, tarfile.DIRTYPE))
        for i in range(100):
            add_file(tf, f'{top}/f{i:03d}.bin', small_size(r), 100000 + d * 100 + i)
    for d in range(0, 300, 3):                         # 100 dirs x 10 whiteouts
        for i in range(20, 30):
            tf.addfile(info(f'usr/lib/pkg{d // 30:02d}/mod{d:03d}/.wh.file{i:03d}.dat'))
    tf.addfile(info('usr/lib/pkg09/mod299/.wh..wh..opq'))
    for d in range(1, 300, 3):                         # 100 dirs x 5 replacements
        for i in range(40, 45):
            add_file(tf, f'usr/lib/pkg{d // 30:02d}/mod{d:03d}/file{i:03d}.dat', small_size(r), 200000 + d * 100 + i)


def big(tf):
    tf.addfile(info('srv', tarfile.DIRTYPE))
    tf.addfile(info('srv/data', tarfile.DIRTYPE))
    for k in range(3):
        add_file(tf, f'srv/data/blob{k}.bin', 512 << 20, 300000 + k)


def app(tf):
    r = random.Random(4)
    add_file(tf, 'srv/data/model.bin', 256 << 20, 400000)
    add_file(tf, 'srv/data/blob2.bin', 1 << 20, 400001)  # replaces a 512 MiB file
    tf.addfile(info('srv/data/blob0.link', tarfile.LNKTYPE, link='srv/data/blob0.bin'))
    tf.addfile(info('srv/data/blob1.link', tarfile.LNKTYPE, link='srv/data/blob1.bin'))
    tf.addfile(info('srv/www', tarfile.DIRTYPE))
    for i in range(5000):
        if i % 100 == 0:
            tf.addfile(info(f'srv/www/d{i // 100:02d}', tarfile.DIRTYPE))
        add_file(tf, f'srv/www/d{i // 100:02d}/page{i:04d}.html', small_size(r), 500000 + i)


def main():
    if os.path.exists(os.path.join(OUT, 'done')):
        return
    work = OUT + '.tmp'
    shutil.rmtree(work, ignore_errors=True)
    blobs = os.path.join(work, 'oci', 'blobs', 'sha256')
    os.makedirs(blobs)
    descs, diff_ids, sizes = [], [], []
    for fill in (base, update, big, app):
        d, diff, size = layer(blobs, fill)
        descs.append(d)
        diff_ids.append(diff)
        sizes.append(size)

    def put(obj):
        b = json.dumps(obj, separators=(',', ':')).encode()
        h = hashlib.sha256(b).hexdigest()
        with open(os.path.join(blobs, h), 'wb') as f:
            f.write(b)
        return {'digest': 'sha256:' + h, 'size': len(b)}

    config = put({'architecture': 'amd64', 'os': 'linux', 'created': '2023-11-14T22:13:20Z',
                  'config': {'Cmd': ['/bin/sh']}, 'rootfs': {'type': 'layers', 'diff_ids': diff_ids},
                  'history': [{'created_by': f.__name__} for f in (base, update, big, app)]})
    manifest = put({'schemaVersion': 2, 'mediaType': 'application/vnd.oci.image.manifest.v1+json',
                    'config': {'mediaType': 'application/vnd.oci.image.config.v1+json', **config}, 'layers': descs})
    index = {'schemaVersion': 2, 'mediaType': 'application/vnd.oci.image.index.v1+json', 'manifests': [
        {'mediaType': 'application/vnd.oci.image.manifest.v1+json', **manifest,
         'annotations': {'org.opencontainers.image.ref.name': 'large'}}]}
    with open(os.path.join(work, 'oci', 'index.json'), 'w') as f:
        json.dump(index, f)
    with open(os.path.join(work, 'oci', 'oci-layout'), 'w') as f:
        json.dump({'imageLayoutVersion': '1.0.0'}, f)
    with open(os.path.join(work, 'done'), 'w') as f:
        json.dump({'uncompressed': sizes, 'compressed': [d['size'] for d in descs]}, f)
    shutil.rmtree(OUT, ignore_errors=True)
    os.rename(work, OUT)


main()

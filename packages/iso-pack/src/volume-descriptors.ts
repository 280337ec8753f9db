/** ECMA-119 8.4 Primary and 8.5 Supplementary (Joliet, UCS-2 level 3) volume descriptors. */
import { BLOCK, both16, both32, date17, padText, padUcs2 } from './iso-bytes.js';

export interface VolumeInfo {
  volumeId: string;
  volumeBlocks: number;
  pathTableSize: number;
  lPathTable: number;
  mPathTable: number;
  rootRecord: Buffer;
  created: number;
  joliet: boolean;
}

const PREPARER = 'C2W ISO-PACK';

export function volumeDescriptor(v: VolumeInfo): Buffer {
  const d = Buffer.alloc(BLOCK);
  d[0] = v.joliet ? 2 : 1;
  d.write('CD001', 1, 'latin1');
  d[6] = 1;
  const text = v.joliet ? padUcs2 : padText;
  text(d, 8, 32, '');
  text(d, 40, 32, v.volumeId);
  both32(d, 80, v.volumeBlocks);
  if (v.joliet) d.write('%/E', 88, 'latin1'); // UCS-2 level 3
  both16(d, 120, 1);
  both16(d, 124, 1);
  both16(d, 128, BLOCK);
  both32(d, 132, v.pathTableSize);
  d.writeUInt32LE(v.lPathTable, 140);
  d.writeUInt32BE(v.mPathTable, 148);
  v.rootRecord.copy(d, 156);
  text(d, 190, 128, '');
  text(d, 318, 128, '');
  text(d, 446, 128, PREPARER);
  text(d, 574, 128, '');
  text(d, 702, 37, '');
  text(d, 739, 37, '');
  text(d, 776, 37, '');
  date17(d, 813, v.created);
  date17(d, 830, v.created);
  date17(d, 847, null);
  date17(d, 864, v.created);
  d[881] = 1;
  return d;
}

export function terminator(): Buffer {
  const d = Buffer.alloc(BLOCK);
  d[0] = 255;
  d.write('CD001', 1, 'latin1');
  d[6] = 1;
  return d;
}

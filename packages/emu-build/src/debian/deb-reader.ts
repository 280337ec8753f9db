import { InputError } from '@c2w/errors';
import { readTar, type TarEntry } from '@c2w/streams';
import { readAr } from './ar-reader.js';
import { parseStanzas, type Stanza } from './control-fields.js';
import { compressionByName, decompress } from '@c2w/streams';

export interface DebVisitor {
  /** Called with the package's control paragraph before any data entry. */
  control?(control: Stanza): void | Promise<void>;
  /** Called for every entry of data.tar; read entry.body or leave it (it is drained). */
  entry(entry: TarEntry): void | Promise<void>;
}

/**
 * Streams a .deb (deb(5): ar with debian-binary "2.0", control.tar.*, data.tar.*) and hands its
 * control paragraph and data entries to a visitor. Nothing but the control file is held in memory.
 */
export async function readDeb(source: AsyncIterable<Uint8Array>, what: string, visitor: DebVisitor): Promise<Stanza> {
  let seen = 0;
  let control: Stanza | undefined;
  let data = false;
  for await (const member of readAr(source, what)) {
    if (seen === 0) {
      if (member.name !== 'debian-binary') throw new InputError(`${what}: first member is ${member.name}, expected debian-binary`);
      let text = '';
      for await (const c of member.body) text += c.toString('latin1');
      if (!/^2\.\d+\n/.test(text)) throw new InputError(`${what}: unsupported deb format ${JSON.stringify(text.trim())}`);
    } else if (member.name.startsWith('control.tar')) {
      control = await readControl(decompress(compressionByName(member.name), member.body, `${what} ${member.name}`), `${what} ${member.name}`);
      await visitor.control?.(control);
    } else if (member.name.startsWith('data.tar')) {
      if (!control) throw new InputError(`${what}: data.tar before control.tar`);
      for await (const entry of readTar(decompress(compressionByName(member.name), member.body, `${what} ${member.name}`), `${what} ${member.name}`)) {
        await visitor.entry(entry);
      }
      data = true;
    } else if (!member.name.startsWith('_')) {
      throw new InputError(`${what}: unexpected member ${member.name}`);
    }
    seen++;
  }
  if (!control || !data) throw new InputError(`${what}: missing ${control ? 'data.tar' : 'control.tar'} member`);
  return control;
}

async function readControl(tar: AsyncIterable<Uint8Array>, what: string): Promise<Stanza> {
  let control: Stanza | undefined;
  for await (const entry of readTar(tar, what)) {
    if (entry.header.name.replace(/^\.\//, '') !== 'control') continue;
    const parts: Buffer[] = [];
    for await (const c of entry.body) parts.push(c);
    [control] = [...parseStanzas(Buffer.concat(parts).toString('utf8'), `${what}/control`)];
  }
  if (!control) throw new InputError(`${what}: no control file`);
  return control;
}

import { localeFallbacks } from '../../src/rules/locales.js';
import { slim, tree } from '../slim-fixture.js';

const files = [
  'usr/share/locale/locale.alias', 'usr/share/locale/de/LC_MESSAGES/x.mo', 'usr/share/locale/de_AT/LC_MESSAGES/x.mo',
  'usr/share/locale/fr/LC_MESSAGES/x.mo', 'usr/share/locale/C/LC_MESSAGES/x.mo', 'usr/lib/locale/locale-archive',
  'usr/lib/locale/C.utf8/LC_CTYPE', 'usr/lib/locale/de_DE.utf8/LC_CTYPE', 'usr/lib/locale/fr_FR.utf8/LC_CTYPE',
];
const kept = (names: string[]) => names.filter((n) => !n.endsWith('/'));

describe('locales rule', () => {
  it('keeps C, POSIX and C.* only, and files directly in the roots', async () => {
    const { names } = await slim(tree(...files), { profile: 'safe', dedupe: false });
    expect(kept(names)).toEqual(['usr/share/locale/locale.alias', 'usr/share/locale/C/LC_MESSAGES/x.mo', 'usr/lib/locale/locale-archive', 'usr/lib/locale/C.utf8/LC_CTYPE']);
  });

  it("keeps the image's LANG and its gettext fallbacks", async () => {
    const image = { entrypoint: [], cmd: [], workingDir: '', env: ['LANG=de_DE.UTF-8'] };
    const { names } = await slim(tree(...files), { profile: 'safe', dedupe: false, image });
    expect(kept(names)).toEqual([
      'usr/share/locale/locale.alias', 'usr/share/locale/de/LC_MESSAGES/x.mo', 'usr/share/locale/C/LC_MESSAGES/x.mo',
      'usr/lib/locale/locale-archive', 'usr/lib/locale/C.utf8/LC_CTYPE', 'usr/lib/locale/de_DE.utf8/LC_CTYPE',
    ]);
  });

  it('lists the fallbacks gettext tries', () => {
    expect(localeFallbacks('de_DE.UTF-8@euro')).toEqual(['de_DE.UTF-8@euro', 'de_DE.UTF-8', 'de_DE@euro', 'de_DE', 'de.UTF-8@euro', 'de.UTF-8', 'de@euro', 'de']);
  });
});

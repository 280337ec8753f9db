import { InputError } from '@c2w/errors';
import { MAX_SINGLE_FILE_BYTES, checkSingleFileBudget } from '../../src/convert/single-file.js';

describe('checkSingleFileBudget', () => {
  it('fails over V8\'s 1 GiB in one line that names the limit and the bundle form', () => {
    let err: unknown;
    try {
      checkSingleFileBudget('big.wasm', MAX_SINGLE_FILE_BYTES);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    const message = (err as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    expect(message).toMatch(/^big\.wasm would be about 1025 MiB, over the 1024 MiB module limit of V8/);
    expect(message).toContain('c2w convert IMAGE DIR');
  });

  it('lets a module that fits through, and takes another limit', () => {
    expect(() => checkSingleFileBudget('ok.wasm', 100 << 20)).not.toThrow();
    expect(() => checkSingleFileBudget('ok.wasm', 100 << 20, 64 << 20)).toThrow(/over the 64 MiB module limit/);
  });
});

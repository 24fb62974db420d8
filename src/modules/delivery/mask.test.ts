/** Masking counts characters, not UTF-16 units: names with characters beyond the BMP (生僻字) keep their ends whole. */
import { describe, expect, it } from 'vitest';
import { maskValue } from './rules.js';

describe('maskValue by characters', () => {
  it('masks a name with characters outside the BMP one star per character', () => {
    expect(maskValue('name', '𠀀𠀁𠀂')).toBe('𠀀**');
    expect(maskValue('name', '张𠀁')).toBe('张*');
    expect(maskValue('name', '𠀀')).toBe('*');
  });
  it('keeps both ends whole when they are surrogate pairs', () => {
    expect(maskValue('address', '𠀀海口市𠀁')).toBe('𠀀***𠀁');
    expect(maskValue('other', '𠀀𠀁')).toBe('𠀀*');
  });
  it('masks a value with one surrogate pair exactly as the same value with a BMP character there', () => {
    for (const [kind, v] of [['id_number', '46010519900307001X'], ['mobile', '13900000001'], ['name', '欧阳华'], ['address', '海口市龙华区'], ['other', 'abc']] as const) {
      for (const at of [0, 1, v.length - 1, v.length]) {
        const wide = maskValue(kind, `${v.slice(0, at)}𠀀${v.slice(at)}`);
        const narrow = maskValue(kind, `${v.slice(0, at)}龘${v.slice(at)}`);
        expect(wide?.replaceAll('𠀀', '龘')).toBe(narrow);
      }
    }
  });
});

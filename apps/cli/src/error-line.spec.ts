import { describe, expect, it } from 'vitest';
import { errorLine } from './error-line.js';

const sysErr = (code: string, path: string) => Object.assign(new Error(`${code}: raw, open '${path}'`), { code, path });

describe('errorLine', () => {
  it('says system errors in words, with the path', () => {
    expect(errorLine(sysErr('EISDIR', 'w/checkpoint.safetensors'))).toBe('w/checkpoint.safetensors is a folder; expected a file');
    expect(errorLine(sysErr('ENOENT', 'x.npz'))).toMatch(/^x\.npz: no such file or folder/);
    expect(errorLine(sysErr('EACCES', '/root/x'))).toMatch(/permission denied/);
    expect(errorLine(Object.assign(new Error('EISDIR: illegal operation on a directory, read'), { code: 'EISDIR' }))).toMatch(/^a folder was given where a file was expected/);
  });

  it('keeps other messages, on one line, without a stack', () => {
    const e = new Error('first\n  second');
    expect(errorLine(e)).toBe('first second');
    expect(errorLine('plain')).toBe('plain');
  });
});

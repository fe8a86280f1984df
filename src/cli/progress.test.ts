import { describe, expect, it } from 'vitest';
import { createProgress } from './progress.js';

function stream(isTTY: boolean) {
  const written: string[] = [];
  return { isTTY, written, write: (text: string) => written.push(text) };
}

describe('createProgress', () => {
  it('writes one line it rewrites and clears on a terminal', () => {
    const tty = stream(true);
    const progress = createProgress(tty);
    progress.update('opening sqlite lab.db');
    progress.update('computing results');
    progress.clear();
    progress.clear();
    expect(tty.written).toEqual([
      '\r\u001b[2Kopening sqlite lab.db …',
      '\r\u001b[2Kcomputing results …',
      '\r\u001b[2K',
    ]);
  });

  it('writes nothing when the stream is not a terminal', () => {
    const pipe = stream(false);
    const progress = createProgress(pipe);
    progress.update('opening sqlite lab.db');
    progress.clear();
    expect(pipe.written).toEqual([]);
  });
});

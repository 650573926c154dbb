import { describe, expect, it, vi } from 'vitest';
import { formatEta, progress } from './progress.js';

/** A non-TTY stream that records what was written. */
function sink(): { stream: NodeJS.WriteStream; lines: string[] } {
  const lines: string[] = [];
  return { lines, stream: { isTTY: false, write: (s: string) => lines.push(s) > 0 } as unknown as NodeJS.WriteStream };
}

describe('progress lines (logs, CI)', () => {
  it('prints the first step, then at most every everyMs, and the last step, with it/s and ETA', () => {
    vi.useFakeTimers({ now: 0 });
    try {
      const { stream, lines } = sink();
      const p = progress('train', 1000, 0, stream, 5000);
      p.update(1, { loss: 2 });
      vi.setSystemTime(1000);
      p.update(2);
      vi.setSystemTime(6000);
      p.update(100);
      vi.setSystemTime(7000);
      p.update(1000);
      expect(lines).toHaveLength(3);
      expect(lines[1]).toMatch(/^train 100\/1000 \| 16\.67 it\/s \| ETA 54s \|/);
      expect(lines[0]).toMatch(/loss 2\.000/);
    } finally {
      vi.useRealTimers();
    }
  });

  it('formats long ETAs in minutes and hours', () => {
    expect(formatEta(42)).toBe('42s');
    expect(formatEta(725)).toBe('12m05s');
    expect(formatEta(3 * 3600 + 7 * 60)).toBe('3h07m');
  });
});

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';

/** Where Debian's `dataset-fashion-mnist` installs the IDX files (data-notes.md). */
export const DEBIAN_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** The folder of an installed Debian package's file ending in `suffix`, from `dpkg -L`; undefined when dpkg or the package is absent. */
export function dpkgFileDir(pkg: string, suffix: string): string | undefined {
  try {
    const out = execFileSync('dpkg', ['-L', pkg], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 });
    const hit = out.split('\n').find((line) => line.trim().endsWith(suffix));
    return hit ? dirname(hit.trim()) : undefined;
  } catch {
    return undefined;
  }
}

/** The Fashion-MNIST folder of the Debian package: `dpkg -L dataset-fashion-mnist`, else the known path if it exists. */
export function debianFashionMnistDir(): string | undefined {
  const found = dpkgFileDir('dataset-fashion-mnist', '/train-images-idx3-ubyte.gz');
  if (found) return found;
  return existsSync(DEBIAN_FASHION_MNIST_DIR) ? DEBIAN_FASHION_MNIST_DIR : undefined;
}

#!/usr/bin/env node
// npm run setup:gpu [-- --cpu] [-- --dry-run]
// Installs @tensorflow/tfjs-node-gpu (or, with --cpu, @tensorflow/tfjs-node) at the version of the
// @tensorflow/tfjs-core in use, then checks that the native `tensorflow` backend initialises. @pfgm/tensor imports it
// dynamically (PFGM_BACKEND=auto picks it when it loads). The package is installed with --no-save: a later
// `npm ci` / `npm install` removes it again, so re-run this script afterwards.
// Its install script downloads libtensorflow (and, for -gpu, needs CUDA 11.2 + cuDNN 8.1 on Linux x64) from
// storage.googleapis.com; it fails on machines without that access.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
for (const a of args) {
  if (!['--cpu', '--dry-run'].includes(a)) fail(`unknown argument '${a}'. Usage: npm run setup:gpu [-- --cpu] [-- --dry-run]`);
}
const pkg = args.has('--cpu') ? '@tensorflow/tfjs-node' : '@tensorflow/tfjs-node-gpu';

function fail(msg) {
  console.error(`setup:gpu: ${msg}`);
  process.exit(1);
}

function coreVersion() {
  const file = join(root, 'node_modules/@tensorflow/tfjs-core/package.json');
  try {
    return JSON.parse(readFileSync(file, 'utf8')).version;
  } catch (err) {
    fail(`cannot read ${file} (${err.message}). Run 'npm ci' first.`);
  }
}

const version = coreVersion();
if (!args.has('--cpu')) {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    fail(`${pkg} is built for Linux x64 only (this is ${process.platform}/${process.arch}); try 'npm run setup:gpu -- --cpu'.`);
  }
  const smi = spawnSync('nvidia-smi', ['-L'], { encoding: 'utf8' });
  if (smi.error != null || smi.status !== 0) {
    console.warn(`setup:gpu: warning: nvidia-smi not found or failing; ${pkg} needs an NVIDIA driver, CUDA 11.2 and cuDNN 8.1.`);
  } else {
    console.log(`setup:gpu: GPUs: ${smi.stdout.trim().split('\n').join('; ')}`);
  }
}

const npmArgs = [
  'install',
  '--no-save',
  '--foreground-scripts',
  // npm ≥ 11 blocks dependency install scripts unless allowed; this one downloads libtensorflow.
  `--allow-scripts=${pkg}`,
  `${pkg}@${version}`,
];
console.log(`setup:gpu: tfjs-core ${version} in use → npm ${npmArgs.join(' ')}`);
if (args.has('--dry-run')) process.exit(0);

const install = spawnSync('npm', npmArgs, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
if (install.status !== 0) {
  fail(
    `'npm install ${pkg}@${version}' failed (exit ${install.status ?? install.signal}). Its install script downloads ` +
      `libtensorflow from storage.googleapis.com: check network access there${args.has('--cpu') ? '' : ', and the CUDA 11.2 / cuDNN 8.1 install'}. ` +
      `Nothing else changed; the project keeps running on the wasm backend.`,
  );
}

const probe = spawnSync(
  process.execPath,
  [
    '--input-type=module',
    '-e',
    `import * as tf from '@tensorflow/tfjs-core'; await import('${pkg}'); ` +
      `if (!(await tf.setBackend('tensorflow'))) throw new Error('tensorflow backend did not initialise'); ` +
      `const y = tf.matMul(tf.ones([64, 64]), tf.ones([64, 64])).dataSync()[0]; ` +
      `if (y !== 64) throw new Error('matmul self-check gave ' + y); console.log('ok ' + tf.getBackend());`,
  ],
  { cwd: root, encoding: 'utf8' },
);
if (probe.status !== 0 || !probe.stdout.includes('ok tensorflow')) {
  fail(
    `${pkg} installed but does not load:\n${(probe.stderr || probe.stdout).trim().split('\n').slice(-5).join('\n')}\n` +
      `Typical causes: the native addon was not built (install script skipped or failed), missing CUDA/cuDNN libraries.`,
  );
}
console.log(`setup:gpu: ${pkg}@${version} works; PFGM_BACKEND=auto (the default) now selects the native tensorflow backend.`);

import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { afterAll, describe, expect, it } from 'vitest';
import { parseBackendChoice } from './backend-choice.js';
import { formatBackendInfo } from './backend-info.js';
import { loadNative } from '@pfgm/native';
import { nativeKernelsRegistered, WASM_KERNEL_FIXES } from '../wasm/register-wasm-kernels.js';
import { NATIVE_WASM_KERNELS } from '../wasm/native-kernels.js';
import { initBackend, NATIVE_PACKAGES, type ModuleImporter } from './init-backend.js';

/** A machine where @pfgm/native could not be built. */
const noAddon = () => ({ available: false as const, reason: 'libopenblas-dev not installed (cblas.h not found)' });

/** An importer for a machine without the native packages: records what was asked, fails like Node does. */
function missingNative(): { importer: ModuleImporter; asked: string[] } {
  const asked: string[] = [];
  const importer: ModuleImporter = async (specifier) => {
    asked.push(specifier);
    throw Object.assign(new Error(`Cannot find package '${specifier}'`), { code: 'ERR_MODULE_NOT_FOUND' });
  };
  return { importer, asked };
}

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('parseBackendChoice', () => {
  it('accepts the five names (any case) and treats empty as auto', () => {
    expect(parseBackendChoice('WASM')).toBe('wasm');
    expect(parseBackendChoice('wasm-native')).toBe('wasm-native');
    expect(parseBackendChoice('tensorflow')).toBe('tensorflow');
    expect(parseBackendChoice(undefined)).toBe('auto');
    expect(parseBackendChoice('')).toBe('auto');
  });
  it('rejects anything else, naming the source and the accepted values', () => {
    expect(() => parseBackendChoice('webgl', 'PFGM_BACKEND')).toThrow(/PFGM_BACKEND: unknown backend 'webgl'; expected one of auto, tensorflow, wasm-native, wasm, cpu/);
  });
});

describe('initBackend', () => {
  it('auto without native packages or addon: tries tfjs-node-gpu then tfjs-node, falls back to threaded wasm, logs once', async () => {
    const { importer, asked } = missingNative();
    const lines: string[] = [];
    const info = await initBackend('auto', { importer, native: noAddon, log: (l) => lines.push(l) });
    expect(asked).toEqual([...NATIVE_PACKAGES]);
    expect(info.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(info.threads).toBe(os.availableParallelism());
    expect(info.simd).toBe(true);
    expect(info.kernelFixes).toContain('Conv2DBackpropFilter');
    expect(info.fallback).toBe(
      'native tensorflow unavailable (@tensorflow/tfjs-node-gpu not installed; @tensorflow/tfjs-node not installed)',
    );
    expect(lines).toEqual([formatBackendInfo(info)]);
    expect(lines[0]).toMatch(new RegExp(`^pfgm: tfjs backend wasm \\(threads \\d+, SIMD on, ${Object.keys(WASM_KERNEL_FIXES).length} kernel fixes\\); native tensorflow unavailable`));
    expect(lines[0]).toMatch(/; OpenBLAS kernels off: libopenblas-dev not installed \(cblas.h not found\)$/);
    expect(info.native).toBeUndefined();
    expect(nativeKernelsRegistered()).toBe(false);
  });

  it("'wasm-native' without the addon fails with its reason; 'wasm' is plain wasm and says so", async () => {
    await expect(initBackend('wasm-native', { native: noAddon, log: () => undefined })).rejects.toThrow(
      /backend 'wasm-native' unavailable: libopenblas-dev not installed \(cblas.h not found\)\. Use --backend wasm/,
    );
    const info = await initBackend('wasm', { native: loadNative, log: () => undefined });
    expect(info.native).toBeUndefined();
    expect(info.nativeUnavailable).toMatch(/plain 'wasm' requested/);
  });

  // Runs where the addon is built; native-kernels.spec.ts fails loudly when it is not (unless PFGM_NATIVE_UNAVAILABLE=1).
  it.runIf(loadNative().available)('auto with the addon built: wasm with matmuls and convolutions on OpenBLAS, threads as PFGM_THREADS', async () => {
    const { importer } = missingNative();
    const lines: string[] = [];
    const info = await initBackend('auto', { importer, threads: 1, native: loadNative, log: (l) => lines.push(l) });
    expect(info.name).toBe('wasm');
    expect(info.native?.threads).toBe(1);
    // Exactly the native table, which holds at least the kernels issue 13 names.
    const kernels = [...(info.native?.kernels ?? [])].sort();
    expect(kernels).toEqual(Object.keys(NATIVE_WASM_KERNELS).sort());
    expect(kernels).toEqual(expect.arrayContaining(['BatchMatMul', '_FusedMatMul', 'Conv2D', 'FusedConv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter']));
    expect(info.native?.blas).toMatch(/OpenBLAS/);
    expect(nativeKernelsRegistered()).toBe(true);
    expect(lines[0]).toContain(`${kernels.length} native kernels, OpenBLAS 1 threads`);
    const y = tf.matMul(tf.ones([2, 3]), tf.ones([3, 2]));
    expect(Array.from(await y.data())).toEqual([3, 3, 3, 3]);
    y.dispose();
  });

  it('memoises: a repeated request returns the same info and logs nothing', async () => {
    const lines: string[] = [];
    const first = await initBackend('wasm', { log: (l) => lines.push(l) });
    const again = await initBackend('wasm', { log: (l) => lines.push(l) });
    expect(again).toBe(first);
    expect(lines).toHaveLength(1);
  });

  it("'tensorflow' without native packages fails with the install hint", async () => {
    const { importer } = missingNative();
    await expect(initBackend('tensorflow', { importer, log: () => undefined })).rejects.toThrow(
      /backend 'tensorflow' unavailable: @tensorflow\/tfjs-node-gpu not installed; @tensorflow\/tfjs-node not installed\. Install it with 'npm run setup:gpu'/,
    );
  });

  it('reports a native package that is present but broken, and picks the next one that works', async () => {
    const importer: ModuleImporter = async (specifier) => {
      if (specifier === '@tensorflow/tfjs-node-gpu') throw new Error('The Node.js native addon module (tfjs_binding.node) can not be found');
      // Stand-in for @tensorflow/tfjs-node: registers a 'tensorflow' backend as the real package does.
      tf.registerBackend('tensorflow', () => new MathBackendCPU(), 0);
    };
    try {
      const info = await initBackend('auto', { importer, log: () => undefined });
      expect(info).toMatchObject({ name: 'tensorflow', nativePackage: '@tensorflow/tfjs-node', simd: null });
      expect(tf.getBackend()).toBe('tensorflow');
    } finally {
      await tf.setBackend('wasm');
      tf.removeBackend('tensorflow');
    }
  });

  it("'cpu' selects the cpu backend with one thread; PFGM_BACKEND is the default choice", async () => {
    const saved = process.env['PFGM_BACKEND'];
    process.env['PFGM_BACKEND'] = 'cpu';
    try {
      const info = await initBackend(undefined, { log: () => undefined });
      expect(info).toMatchObject({ name: 'cpu', requested: 'cpu', threads: 1, simd: null });
      expect(tf.getBackend()).toBe('cpu');
      process.env['PFGM_BACKEND'] = 'gpu';
      expect(() => initBackend(undefined, { log: () => undefined })).toThrow(/PFGM_BACKEND: unknown backend 'gpu'/);
    } finally {
      if (saved == null) delete process.env['PFGM_BACKEND'];
      else process.env['PFGM_BACKEND'] = saved;
    }
  });
});

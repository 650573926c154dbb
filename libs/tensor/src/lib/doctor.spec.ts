import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { loadNative, nativeSpecGate } from '@pfgm/native';
import { afterAll, describe, expect, it } from 'vitest';
import { doctor, formatDoctorReport, selfTest } from './doctor.js';
import { registerWasmKernels, unregisterWasmKernels } from './wasm/register-wasm-kernels.js';

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('doctor', () => {
  it('self-test passes on the pure-JS cpu backend (checks the float64 references themselves)', async () => {
    await tf.setBackend('cpu');
    const checks = selfTest();
    expect(checks.length).toBeGreaterThanOrEqual(9);
    for (const c of checks) expect(c.ok, `${c.name}: ${c.detail}`).toBe(true);
  });

  it('on wasm: threads, SIMD, positive GFLOP/s, every check passes, and a readable report', async () => {
    const r = await doctor({ backend: 'wasm', repeats: 1 });
    expect(r.backend).toMatchObject({ name: 'wasm', simd: true });
    expect(r.backend.threads).toBe(os.availableParallelism());
    expect(r.throughput.map((t) => t.name)).toEqual(['matmul 1024³', 'conv3×3 32→32, 32×32, batch 32']);
    for (const t of r.throughput) {
      expect(t.gflops).toBeGreaterThan(0.5);
      expect(t.gflops).toBeGreaterThanOrEqual(t.medianGflops);
      expect(t.cpuShare).toBeGreaterThan(0);
    }
    for (const c of r.selfTest) expect(c.ok, `${c.name}: ${c.detail}`).toBe(true);
    expect(r.ok).toBe(true);
    const text = formatDoctorReport(r);
    expect(text).toMatch(/^backend {3}wasm/);
    expect(text).toContain(`threads   ${r.backend.threads}`);
    expect(text).toContain('doctor: all good');
    expect(text).toMatch(/\nnative {4}off: plain 'wasm' requested/);
  });

  it('on wasm-native: the OpenBLAS kernels pass every check; the report names them and the BLAS', async () => {
    const gate = nativeSpecGate();
    if (gate.missing != null) throw new Error(gate.missing);
    if (!gate.available) return; // PFGM_NATIVE_UNAVAILABLE=1: covered by the next case
    const r = await doctor({ backend: 'wasm-native', repeats: 0 });
    expect(r.backend.native?.kernels).toContain('Conv2DBackpropFilter');
    for (const c of r.selfTest) expect(c.ok, `${c.name}: ${c.detail}`).toBe(true);
    expect(formatDoctorReport(r)).toMatch(/\nnative {4}[A-Za-z_, 0-9]*BatchMatMul[A-Za-z_, 0-9]*; OpenBLAS .*, \d+ threads\n/);
  });

  it('without the addon, auto reports why the OpenBLAS kernels are off', async () => {
    const s = loadNative();
    const r = await doctor({ backend: 'wasm', repeats: 0 });
    const text = formatDoctorReport({ ...r, backend: { ...r.backend, requested: 'auto', nativeUnavailable: s.available ? 'libopenblas-dev not installed' : s.reason } });
    expect(text).toMatch(/\nnative {4}off: \S/);
  });

  it('catches the stock wasm kernels: stale XNNPACK operator and missing Conv2DBackpropFilter', async () => {
    await tf.setBackend('wasm');
    unregisterWasmKernels();
    try {
      const failed = selfTest().filter((c) => !c.ok);
      expect(failed.map((c) => c.name)).toEqual(
        expect.arrayContaining([
          'matmul with a reshape view of the same weights (stale-operator case)',
          'conv2d 3×3 stride 1: forward, dx, dW',
        ]),
      );
      expect(failed.find((c) => c.name.startsWith('conv2d'))?.detail).toMatch(/Conv2DBackpropFilter/);
    } finally {
      registerWasmKernels();
    }
  });
});

import { initBackend, type BackendInfo } from '@pfgm/tensor';

/**
 * Selects the fastest backend with conv-gradient kernels (`initBackend`: native > threaded wasm with the repaired
 * kernels > cpu). Refuses `cpu` unless PFGM_FD_FMNIST_ALLOW_CPU=1: conv training there is ~100× slower.
 */
export async function selectTrainingBackend(): Promise<BackendInfo> {
  const info = await initBackend();
  if (info.name === 'cpu' && process.env['PFGM_FD_FMNIST_ALLOW_CPU'] !== '1') {
    throw new Error(`train-fd-fmnist: only the cpu backend is available (${info.fallback ?? 'no reason given'}); conv training there takes hours. Set PFGM_FD_FMNIST_ALLOW_CPU=1 to run anyway`);
  }
  return info;
}

import './lib/gradients.js';
export * from './lib/rng.js';
export type { RandomSource } from './lib/distributions/random-source.js';
export { sampleGamma, sampleLogGamma } from './lib/distributions/gamma.js';
export { sampleBeta, sampleBetaPrime, type BetaDraw } from './lib/distributions/beta.js';
export { fillDirection, sampleDirections } from './lib/distributions/sphere.js';
export { activeBackendInfo, initBackend, NATIVE_PACKAGES, type InitBackendOptions, type ModuleImporter } from './lib/backend/init-backend.js';
export { BACKEND_CHOICES, parseBackendChoice, type BackendChoice } from './lib/backend/backend-choice.js';
export { formatBackendInfo, type BackendInfo } from './lib/backend/backend-info.js';
export { defaultThreads, loadWasmPackage, setWasmBackend, wasmThreadsCount, THREADED_WASM_VERSION, type WasmThreadsResult } from './lib/wasm/wasm-threads.js';
export { registerWasmKernels, unregisterWasmKernels, wasmKernelsRegistered, WASM_KERNEL_FIXES } from './lib/wasm/register-wasm-kernels.js';
export { fusedGroupNormAvailable, GROUP_NORM_GRAD_KERNEL, GROUP_NORM_KERNEL, type GroupNormAttrs } from './lib/wasm/native-group-norm.js';
export {
  ADAM_KERNEL,
  EMA_KERNEL,
  fusedOptimizerAvailable,
  SCALE_KERNEL,
  SUM_SQUARES_KERNEL,
  type AdamKernelAttrs,
  type EmaKernelAttrs,
  type ScaleKernelAttrs,
} from './lib/wasm/native-optimizer.js';
export { doctor, formatDoctorReport, selfTest, type DoctorCheck, type DoctorOptions, type DoctorReport, type DoctorThroughput } from './lib/doctor.js';
export type { HostTensor, StateDict } from './lib/torch/host-tensor.js';
export { PersistentObject, readPickle, readTorchCheckpoint, readTorchObject, TorchTensor, type StorageRef, type TorchCheckpoint, type TorchObject } from './lib/torch/torch-pth.js';

import type { Command } from 'commander';
import { initBackend, type BackendInfo } from '@pfgm/tensor';

/** Selects the tfjs backend from the global --backend option or PFGM_BACKEND (auto: native → threaded wasm → cpu). */
export function useBackend(cmd: Command): Promise<BackendInfo> {
  return initBackend(cmd.optsWithGlobals().backend);
}

// Defined in @pfgm/tensor next to the torch.save reader; re-exported for eval's modules.
export type { HostTensor, StateDict } from '@pfgm/tensor';

/** A float32 tensor read from or written to a weights file, C order. */
export interface HostTensor {
  shape: number[];
  data: Float32Array;
}

/** Named tensors, e.g. a PyTorch `state_dict` (insertion order kept). */
export type StateDict = Map<string, HostTensor>;

// The torch.save reader lives in @pfgm/tensor (the lowest library both @pfgm/eval and @pfgm/networks may import);
// this module keeps eval's import paths.
export { readTorchCheckpoint, type TorchCheckpoint } from '@pfgm/tensor';

export * from './lib/types.js';
export * from './lib/presets.js';
export * from './lib/build-network.js';
export * from './lib/embedding.js';
export * from './lib/ops.js';
export { pfgmHead } from './lib/pfgm-head.js';
export { numGroups } from './lib/blocks/common.js';
export * from './lib/checkpoint.js';
export { readSafetensors, writeSafetensors, type NamedTensor, type SafetensorsContents } from './lib/safetensors.js';
export {
  loadNcsnpp,
  ncsnppKeyMapping,
  ncsnppToUNet,
  readScoreSdeCheckpoint,
  type NcsnppConfig,
  type ScoreSdeCheckpoint,
  type WeightChoice,
} from './lib/released/score-sde.js';
export type { KeyMapping, Layout } from './lib/released/official-weights.js';
export { matchNcsnppReleased, NCSNPP_RELEASED, type NcsnppReleasedName } from './lib/released/ncsnpp-presets.js';
export {
  edmPrecondConfig,
  loadSongUNet,
  moduleStateDict,
  readEdmFile,
  songUNetKeyMapping,
  songUNetToUNet,
  type EdmFile,
  type EdmPrecondConfig,
  type LoadedEdm,
  type SongUNetKwargs,
} from './lib/released/edm.js';

import type { EmbeddingConfig, NetworkConfig, NetworkIo } from './types.js';

const isPosInt = (v: unknown): boolean => Number.isInteger(v) && (v as number) > 0;

function fail(what: string, got: unknown, expected: string): never {
  throw new Error(`invalid network config: ${what} = ${JSON.stringify(got)}; expected ${expected}`);
}

function validateEmbedding(e: EmbeddingConfig | undefined): void {
  switch (e?.kind) {
    case 'positional':
      if (!(e.maxPositions > 1)) fail('embedding.maxPositions', e.maxPositions, 'a number > 1 (DDPM: 10000)');
      return;
    case 'fourier':
      if (!(e.scale > 0)) fail('embedding.scale', e.scale, 'a number > 0 (NCSN++: 16)');
      return;
    default:
      fail('embedding', e, "{kind: 'positional', maxPositions} or {kind: 'fourier', scale}");
  }
}

/** Throws a clear error for a malformed config or io (what was wrong, what was expected). */
export function validateConfig(config: NetworkConfig, io: NetworkIo): void {
  if (!Array.isArray(io?.inShape) || !io.inShape.every(isPosInt)) fail('io.inShape', io?.inShape, 'positive integers');
  if (!Array.isArray(io?.outShape) || !io.outShape.every(isPosInt)) fail('io.outShape', io?.outShape, 'positive integers');
  switch (config?.kind) {
    case 'mlp':
      if (!Array.isArray(config.hidden) || !config.hidden.every(isPosInt)) fail('hidden', config.hidden, 'positive integer widths');
      if (!isPosInt(config.embedDim) || config.embedDim % 2 !== 0) fail('embedDim', config.embedDim, 'an even positive integer');
      validateEmbedding(config.embedding);
      return;
    case 'unet':
      if (config.style !== 'ddpm' && config.style !== 'ddpmpp') fail('style', config.style, "'ddpm' or 'ddpmpp'");
      if (!isPosInt(config.channels)) fail('channels', config.channels, 'a positive integer (DDPM++: 128)');
      if (!Array.isArray(config.channelMult) || config.channelMult.length === 0 || !config.channelMult.every(isPosInt)) {
        fail('channelMult', config.channelMult, 'a non-empty list of positive integers (CIFAR-10: [1, 2, 2, 2])');
      }
      if (!isPosInt(config.numBlocks)) fail('numBlocks', config.numBlocks, 'a positive integer (DDPM++: 4)');
      if (!Array.isArray(config.attnResolutions) || !config.attnResolutions.every(isPosInt)) {
        fail('attnResolutions', config.attnResolutions, 'a list of side lengths in pixels (CIFAR-10: [16])');
      }
      if (!(config.dropout >= 0 && config.dropout < 1)) fail('dropout', config.dropout, 'a rate in [0, 1) (score_sde: 0.1)');
      validateEmbedding(config.embedding);
      if (config.skipRescale !== undefined && (typeof config.skipRescale !== 'boolean' || config.style !== 'ddpmpp')) {
        fail('skipRescale', config.skipRescale, "a boolean, with style 'ddpmpp' only");
      }
      if (config.encoderType !== undefined && (config.style !== 'ddpmpp' || !['standard', 'residual'].includes(config.encoderType))) {
        fail('encoderType', config.encoderType, "'standard' or 'residual', with style 'ddpmpp' only");
      }
      if (config.labelDim !== undefined && !isPosInt(config.labelDim)) fail('labelDim', config.labelDim, 'a positive integer (CIFAR-10: 10)');
      if (config.firKernel !== undefined) {
        const k = config.firKernel;
        if (config.style !== 'ddpmpp' || !Array.isArray(k) || k.length < 2 || k.length % 2 !== 0 || !k.every(Number.isFinite) || !(k.reduce((a, b) => a + b, 0) !== 0)) {
          fail('firKernel', k, "an even-length list of numbers with a non-zero sum (NCSN++: [1, 3, 3, 1]), with style 'ddpmpp' only");
        }
      }
      return;
    default:
      fail('kind', (config as { kind?: unknown })?.kind, "'mlp' or 'unet'");
  }
}

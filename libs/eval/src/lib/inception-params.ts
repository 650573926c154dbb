import * as tf from '@tensorflow/tfjs-core';
import { INCEPTION_CONVS, inceptionStateDictShapes } from './inception-layout.js';
import type { HostTensor, StateDict } from './state-dict.js';

/** BatchNorm epsilon of the 2015-12-05 graph (fid-spec §1.2). */
export const BN_EPS = 1e-3;

/** A BasicConv2d with BN folded in: NHWC conv filter [kh, kw, in, out] and bias [out]. */
export interface FoldedConv {
  filter: tf.Tensor4D;
  bias: tf.Tensor1D;
}

/** TF.js parameters of the FID Inception-v3; dispose with {@link disposeInceptionParams}. */
export interface InceptionParams {
  convs: Map<string, FoldedConv>;
  /** fc weight transposed, [2048, 1008] (IS logits = pool3 · fcW, no bias). */
  fcW: tf.Tensor2D;
  /** fc bias [1008] (loaded, unused by IS as in the reference code). */
  fcB: tf.Tensor1D;
}

/** `sd[key]`, which {@link checkInceptionStateDict} has verified to exist. */
function need(sd: StateDict, key: string): HostTensor {
  const t = sd.get(key);
  if (!t) throw new Error(`Inception weights: missing '${key}'`);
  return t;
}

/** Throws one message listing every missing key, unexpected key and wrong shape (ignores `num_batches_tracked`). */
export function checkInceptionStateDict(sd: StateDict, where = 'Inception weights'): void {
  const expected = inceptionStateDictShapes();
  const want = new Map(expected);
  const missing = expected.filter(([k]) => !sd.has(k)).map(([k]) => k);
  const unexpected = [...sd.keys()].filter((k) => !want.has(k) && !k.endsWith('num_batches_tracked'));
  const wrong = expected
    .filter(([k, s]) => sd.has(k) && need(sd, k).shape.join(',') !== s.join(','))
    .map(([k, s]) => `${k}: got [${need(sd, k).shape}], expected [${s}]`);
  const list = (xs: string[]) => xs.slice(0, 5).join('; ') + (xs.length > 5 ? `; … (${xs.length} in all)` : '');
  const problems = [
    missing.length ? `missing ${missing.length} key(s): ${list(missing)}` : '',
    unexpected.length ? `unexpected key(s): ${list(unexpected)}` : '',
    wrong.length ? `wrong shape(s): ${list(wrong)}` : '',
  ].filter((p) => p);
  if (problems.length) {
    throw new Error(
      `${where} are not pytorch-fid's FID Inception-v3 (pt_inception-2015-12-05-6726825d.pth, 472 tensors): ` +
        `${problems.join(' | ')}. Pass the pytorch-fid / torch-fidelity weights file.`,
    );
  }
}

/** Folds BN into the conv: k = γ/√(var+ε), W' = W·k, b' = β − mean·k; OIHW → HWIO (fid-spec §1.6). */
function foldConv(sd: StateDict, name: string): { filter: Float32Array; bias: Float32Array } {
  const get = (p: string) => need(sd, `${name}.${p}`);
  const w = get('conv.weight');
  const [O, I, KH, KW] = w.shape;
  const gamma = get('bn.weight').data;
  const beta = get('bn.bias').data;
  const mean = get('bn.running_mean').data;
  const variance = get('bn.running_var').data;
  const filter = new Float32Array(O * I * KH * KW);
  const bias = new Float32Array(O);
  for (let o = 0; o < O; o++) {
    const k = gamma[o] / Math.sqrt(variance[o] + BN_EPS);
    bias[o] = beta[o] - mean[o] * k;
    for (let i = 0; i < I; i++) {
      for (let h = 0; h < KH; h++) {
        for (let x = 0; x < KW; x++) filter[((h * KW + x) * I + i) * O + o] = w.data[((o * I + i) * KH + h) * KW + x] * k;
      }
    }
  }
  return { filter, bias };
}

/** Validates a pytorch-fid state dict and uploads it as folded TF.js tensors. */
export function inceptionParamsFromStateDict(sd: StateDict, where?: string): InceptionParams {
  checkInceptionStateDict(sd, where);
  const convs = new Map<string, FoldedConv>();
  for (const c of INCEPTION_CONVS) {
    const { filter, bias } = foldConv(sd, c.name);
    convs.set(c.name, { filter: tf.tensor4d(filter, [c.kh, c.kw, c.inC, c.outC]), bias: tf.tensor1d(bias) });
  }
  const fc = need(sd, 'fc.weight'); // [1008, 2048]
  const fcW = tf.tidy(() => tf.transpose(tf.tensor2d(fc.data, [fc.shape[0], fc.shape[1]]))) as tf.Tensor2D;
  return { convs, fcW, fcB: tf.tensor1d(need(sd, 'fc.bias').data) };
}

/** Frees every tensor of `p`. */
export function disposeInceptionParams(p: InceptionParams): void {
  for (const c of p.convs.values()) tf.dispose([c.filter, c.bias]);
  tf.dispose([p.fcW, p.fcB]);
}

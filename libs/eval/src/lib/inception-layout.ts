/**
 * Parameter layout of pytorch-fid's FID Inception-v3 (the 2015-12-05 TF graph; fid-spec §1.2, §1.6):
 * 94 BasicConv2d (conv without bias + BatchNorm eps 1e-3) and the 1008-way fc, 472 tensors in state-dict order.
 */

/** One BasicConv2d: PyTorch module path, conv shape [out, in, kh, kw], padding [ph, pw], stride. */
export interface BasicConvSpec {
  name: string;
  outC: number;
  inC: number;
  kh: number;
  kw: number;
  stride: number;
  /** PyTorch padding; TF.js uses 'same' when it is (kh−1)/2, (kw−1)/2 with stride 1, else 'valid' (all are 0). */
  pad: [number, number];
}

const conv = (name: string, inC: number, outC: number, k: number | [number, number], stride = 1, pad?: [number, number]): BasicConvSpec => {
  const [kh, kw] = typeof k === 'number' ? [k, k] : k;
  return { name, inC, outC, kh, kw, stride, pad: pad ?? [0, 0] };
};
const same = (k: number | [number, number]): [number, number] => {
  const [kh, kw] = typeof k === 'number' ? [k, k] : k;
  return [(kh - 1) / 2, (kw - 1) / 2];
};

function blockA(m: string, inC: number, poolFeatures: number): BasicConvSpec[] {
  return [
    conv(`${m}.branch1x1`, inC, 64, 1),
    conv(`${m}.branch5x5_1`, inC, 48, 1),
    conv(`${m}.branch5x5_2`, 48, 64, 5, 1, same(5)),
    conv(`${m}.branch3x3dbl_1`, inC, 64, 1),
    conv(`${m}.branch3x3dbl_2`, 64, 96, 3, 1, same(3)),
    conv(`${m}.branch3x3dbl_3`, 96, 96, 3, 1, same(3)),
    conv(`${m}.branch_pool`, inC, poolFeatures, 1),
  ];
}
function blockB(m: string, inC: number): BasicConvSpec[] {
  return [
    conv(`${m}.branch3x3`, inC, 384, 3, 2),
    conv(`${m}.branch3x3dbl_1`, inC, 64, 1),
    conv(`${m}.branch3x3dbl_2`, 64, 96, 3, 1, same(3)),
    conv(`${m}.branch3x3dbl_3`, 96, 96, 3, 2),
  ];
}
function blockC(m: string, inC: number, c7: number): BasicConvSpec[] {
  const r: [number, number] = [1, 7];
  const c: [number, number] = [7, 1];
  return [
    conv(`${m}.branch1x1`, inC, 192, 1),
    conv(`${m}.branch7x7_1`, inC, c7, 1),
    conv(`${m}.branch7x7_2`, c7, c7, r, 1, same(r)),
    conv(`${m}.branch7x7_3`, c7, 192, c, 1, same(c)),
    conv(`${m}.branch7x7dbl_1`, inC, c7, 1),
    conv(`${m}.branch7x7dbl_2`, c7, c7, c, 1, same(c)),
    conv(`${m}.branch7x7dbl_3`, c7, c7, r, 1, same(r)),
    conv(`${m}.branch7x7dbl_4`, c7, c7, c, 1, same(c)),
    conv(`${m}.branch7x7dbl_5`, c7, 192, r, 1, same(r)),
    conv(`${m}.branch_pool`, inC, 192, 1),
  ];
}
function blockD(m: string, inC: number): BasicConvSpec[] {
  return [
    conv(`${m}.branch3x3_1`, inC, 192, 1),
    conv(`${m}.branch3x3_2`, 192, 320, 3, 2),
    conv(`${m}.branch7x7x3_1`, inC, 192, 1),
    conv(`${m}.branch7x7x3_2`, 192, 192, [1, 7], 1, same([1, 7])),
    conv(`${m}.branch7x7x3_3`, 192, 192, [7, 1], 1, same([7, 1])),
    conv(`${m}.branch7x7x3_4`, 192, 192, 3, 2),
  ];
}
function blockE(m: string, inC: number): BasicConvSpec[] {
  return [
    conv(`${m}.branch1x1`, inC, 320, 1),
    conv(`${m}.branch3x3_1`, inC, 384, 1),
    conv(`${m}.branch3x3_2a`, 384, 384, [1, 3], 1, same([1, 3])),
    conv(`${m}.branch3x3_2b`, 384, 384, [3, 1], 1, same([3, 1])),
    conv(`${m}.branch3x3dbl_1`, inC, 448, 1),
    conv(`${m}.branch3x3dbl_2`, 448, 384, 3, 1, same(3)),
    conv(`${m}.branch3x3dbl_3a`, 384, 384, [1, 3], 1, same([1, 3])),
    conv(`${m}.branch3x3dbl_3b`, 384, 384, [3, 1], 1, same([3, 1])),
    conv(`${m}.branch_pool`, inC, 192, 1),
  ];
}

/** All 94 BasicConv2d in pytorch-fid module (= state-dict) order. */
export const INCEPTION_CONVS: readonly BasicConvSpec[] = [
  conv('Conv2d_1a_3x3', 3, 32, 3, 2),
  conv('Conv2d_2a_3x3', 32, 32, 3),
  conv('Conv2d_2b_3x3', 32, 64, 3, 1, same(3)),
  conv('Conv2d_3b_1x1', 64, 80, 1),
  conv('Conv2d_4a_3x3', 80, 192, 3),
  ...blockA('Mixed_5b', 192, 32),
  ...blockA('Mixed_5c', 256, 64),
  ...blockA('Mixed_5d', 288, 64),
  ...blockB('Mixed_6a', 288),
  ...blockC('Mixed_6b', 768, 128),
  ...blockC('Mixed_6c', 768, 160),
  ...blockC('Mixed_6d', 768, 160),
  ...blockC('Mixed_6e', 768, 192),
  ...blockD('Mixed_7a', 768),
  ...blockE('Mixed_7b', 1280),
  ...blockE('Mixed_7c', 2048),
];

/** Pool-3 feature size (FID) and logit count (IS) of the 2015-12-05 graph. */
export const INCEPTION_POOL_DIM = 2048;
export const INCEPTION_CLASSES = 1008;

/** The 472 state-dict tensors (name → shape) in order; `num_batches_tracked` entries are not part of it. */
export function inceptionStateDictShapes(): Array<[string, number[]]> {
  const out: Array<[string, number[]]> = [];
  for (const c of INCEPTION_CONVS) {
    out.push([`${c.name}.conv.weight`, [c.outC, c.inC, c.kh, c.kw]]);
    for (const p of ['weight', 'bias', 'running_mean', 'running_var']) out.push([`${c.name}.bn.${p}`, [c.outC]]);
  }
  out.push(['fc.weight', [INCEPTION_CLASSES, INCEPTION_POOL_DIM]], ['fc.bias', [INCEPTION_CLASSES]]);
  return out;
}

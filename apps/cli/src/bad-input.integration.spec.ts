// Issue 17: every bad input gets one clear line (what, expected, how to fix), exit status 1, no stack trace, and
// touches no file; faults (signals, a killed run, two writers) lose nothing. The real CLI is spawned for each case.
// Budget: ~95 CLI starts of 1–3 s CPU each on the cpu backend (toy runs of a few steps, 8×8 released fixtures; ~100 s on an idle 2-core
// machine); each case has its own generous timeout, so a loaded machine slows it down without failing it.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorLine, spawnPfgm, type CliResult } from './testing/spawn-pfgm.js';
import { writeNpz } from '@pfgm/eval';

const dir = mkdtempSync(join(tmpdir(), 'pfgm-bad-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (...p: string[]) => join(dir, ...p);

type Result = CliResult;

/** `pfgm --backend cpu <args>` run in this spec's folder. */
const pfgm = (args: string[], onStderr?: (text: string, pid: number) => void): Promise<Result> => spawnPfgm(dir, args, onStderr);

/** Name → sha256 of every file under `root` (the "untouched" check). */
function snapshot(root: string): Record<string, string> {
  if (!existsSync(root)) return {};
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p, `${rel}${e.name}/`);
      else out[`${rel}${e.name}`] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(root, '');
  return out;
}


/** The official-code fixtures of @pfgm/networks (tiny networks saved as the released files are) → names in rel/. */
const RELEASED_FIXTURES: Record<string, string> = {
  'pfgmpp-ncsnpp/training-state-000001.pt': 'training-state-000001.pt',
  'edm-ddpmpp-cond/network-snapshot-000001.pkl': 'network-snapshot-000001.pkl',
  'score-sde-ddpmpp/checkpoint_1.pth': 'vp.pth',
  'poisson-flow-ddpmpp/checkpoint_1.pth': 'pfgm.pth',
  'poisson-flow-ddpmpp/expected.json': 'pfgm.json',
  'score-sde-ncsnpp-fir/expected.json': 'fir.json',
};
const released = (p: string): string => fileURLToPath(new URL(`../../../libs/networks/src/lib/fixtures/released/${p}`, import.meta.url));
/** `pfgm sample` of a released file in rel/ into rel-out.png (which must stay absent). */
const sampleRel = (file: string, ...flags: string[]) => ['sample', '--checkpoint', `rel/${file}`, ...flags, '--n', '2', '--out', 'rel-out.png'];

const toy = ['train', '--method', 'pfgmpp', '--D', '128', '--data', 'toy:8gaussians', '--limit', '512', '--batch', '64'];
const run = 'run'; // a finished toy run (beforeAll)

/** Writes NaN into the first value of the first tensor whose name starts with `prefix` (raw safetensors bytes). */
function poison(file: string, prefix: string): void {
  const buf = readFileSync(file);
  const n = Number(buf.readBigUInt64LE(0));
  const header = JSON.parse(buf.subarray(8, 8 + n).toString('utf8')) as Record<string, { data_offsets: [number, number] }>;
  const name = Object.keys(header).find((k) => k.startsWith(prefix)) as string;
  buf.writeFloatLE(NaN, 8 + n + header[name].data_offsets[0]);
  writeFileSync(file, buf);
}

beforeAll(async () => {
  const made = await pfgm([...toy, '--steps', '4', '--checkpoint-every', '2', '--out', run]);
  expect(made.code, made.stderr).toBe(0);
  const vp = await pfgm(['train', '--method', 'vp', '--data', 'toy:8gaussians', '--limit', '512', '--batch', '64', '--steps', '2', '--out', 'vp-run']);
  expect(vp.code, vp.stderr).toBe(0);
  const d2048 = await pfgm([...toy.map((a) => (a === '128' ? '2048' : a)), '--steps', '2', '--out', 'd2048-run']);
  expect(d2048.code, d2048.stderr).toBe(0);
  // Copies of the run with one thing wrong.
  for (const name of ['nan-run', 'trunc-run', 'badjson-run', 'vp-ckpt-run', 'd2048-ckpt-run']) cpSync(at(run), at(name), { recursive: true });
  poison(at('nan-run', 'checkpoint.safetensors'), 'ema/');
  truncateSync(at('trunc-run', 'checkpoint.safetensors'), statSync(at('trunc-run', 'checkpoint.safetensors')).size >> 1);
  writeFileSync(at('badjson-run', 'config.json'), '{"method": ');
  cpSync(at('vp-run', 'checkpoint.safetensors'), at('vp-ckpt-run', 'checkpoint.safetensors'));
  cpSync(at('d2048-run', 'checkpoint.safetensors'), at('d2048-ckpt-run', 'checkpoint.safetensors'));
  mkdirSync(at('dir-ckpt-run', 'checkpoint.safetensors'), { recursive: true });
  cpSync(at(run, 'config.json'), at('dir-ckpt-run', 'config.json'));
  // A folder that is not a run, and a plain file.
  mkdirSync(at('thesis', 'chapters'), { recursive: true });
  writeFileSync(at('thesis', 'thesis.tex'), '\\documentclass{book}');
  writeFileSync(at('a-file'), 'not a folder');
  writeFileSync(at('old.csv'), 'x0,x1\n1,2\n'); // an earlier output that sample/interpolate must not replace silently
  writeFileSync(at('a-file.safetensors'), 'junk');
  // Data files that are broken.
  mkdirSync(at('fm'));
  for (const f of ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']) writeFileSync(at('fm', f), gzipSync(Buffer.from('garbage, not IDX')));
  mkdirSync(at('fm-badgz'));
  for (const f of ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz']) writeFileSync(at('fm-badgz', f), Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3]));
  mkdirSync(at('cifar'));
  for (const f of ['data_batch_1', 'data_batch_2', 'data_batch_3', 'data_batch_4', 'data_batch_5', 'test_batch']) writeFileSync(at('cifar', `${f}.bin`), Buffer.alloc(1000, 7));
  mkdirSync(at('no-images'));
  mkdirSync(at('bad-images'));
  writeFileSync(at('bad-images', 'a.png'), 'not a png');
  // FID inputs: statistics that are no covariance, a .pth that is not one, a few generated images.
  const eye = (n: number) => Float64Array.from({ length: n * n }, (_, k) => (k % (n + 1) === 0 ? 1 : 0));
  const asym = eye(4);
  asym[1] = 0.5;
  const indefinite = eye(4);
  indefinite[0] = -3;
  writeFileSync(at('asym.npz'), writeNpz({ mu: { data: new Float64Array(4), shape: [4] }, sigma: { data: asym, shape: [4, 4] } }));
  writeFileSync(at('indefinite.npz'), writeNpz({ mu: { data: new Float64Array(4), shape: [4] }, sigma: { data: indefinite, shape: [4, 4] } }));
  writeFileSync(at('ok.npz'), writeNpz({ mu: { data: new Float64Array(4), shape: [4] }, sigma: { data: eye(4), shape: [4, 4] } }));
  writeFileSync(at('gen.npz'), writeNpz({ x: { data: new Uint8Array(3 * 8 * 8 * 3), shape: [3, 8, 8, 3] } }));
  writeFileSync(at('junk.npz'), 'not a zip');
  writeFileSync(at('junk.pth'), 'junk');
  // Released checkpoints (issue 15): the official-code fixtures copied here, then a wrong, a corrupt and cut copies.
  mkdirSync(at('rel'));
  for (const [from, to] of Object.entries(RELEASED_FIXTURES)) cpSync(released(from), at('rel', to));
  writeFileSync(at('rel', 'checkpoint_1.pth'), 'a text file, not a checkpoint\n');
  const pkl = readFileSync(at('rel', 'network-snapshot-000001.pkl'));
  writeFileSync(at('rel', 'corrupt.pkl'), Buffer.concat([pkl.subarray(0, 2), Buffer.alloc(16, 0xfe), pkl.subarray(18)])); // opcodes overwritten
  for (const [f, cut] of [['network-snapshot-000001.pkl', 'cut.pkl'], ['training-state-000001.pt', 'training-state-000002.pt'], ['vp.pth', 'checkpoint_2.pth']]) {
    writeFileSync(at('rel', cut), readFileSync(at('rel', f)).subarray(0, statSync(at('rel', f)).size >> 1));
  }
  const { training: _sde, ...noSde } = JSON.parse(readFileSync(at('rel', 'pfgm.json'), 'utf8')).config;
  writeFileSync(at('rel', 'pfgm-arch.json'), JSON.stringify(JSON.parse(readFileSync(at('rel', 'pfgm.json'), 'utf8')).config));
  writeFileSync(at('rel', 'nosde-arch.json'), JSON.stringify(noSde));
  writeFileSync(at('rel', 'fir-arch.json'), JSON.stringify(JSON.parse(readFileSync(at('rel', 'fir.json'), 'utf8')).config));
}, 240_000);

/** One bad input: the command, a fragment of its one error line, and folders that must come out unchanged or absent. */
interface Case {
  args: string[];
  says: RegExp;
  untouched?: string[];
  absent?: string[];
}

const cases: Record<string, Case> = {
  // Numeric options of train (the same domains are checked by trainRun for the experiments).
  'train --steps 0': { args: [...toy, '--steps', '0', '--out', 'n1'], says: /--steps must be a positive integer \(≥ 1\), got "0"/, absent: ['n1'] },
  'train --steps -5': { args: [...toy, '--steps', '-5', '--out', 'n1'], says: /--steps must be a positive integer/, absent: ['n1'] },
  'train --lr -1': { args: [...toy, '--lr', '-1', '--out', 'n1'], says: /--lr must be a number > 0, got "-1"/, absent: ['n1'] },
  'train --lr nan': { args: [...toy, '--lr', 'NaN', '--out', 'n1'], says: /--lr must be a number > 0/, absent: ['n1'] },
  'train --ema 2': { args: [...toy, '--ema', '2', '--out', 'n1'], says: /--ema must be a number in \[0, 1\), got "2"/, absent: ['n1'] },
  'train --D 0': { args: [...toy.map((a) => (a === '128' ? '0' : a)), '--out', 'n1'], says: /--D must be a positive integer or "inf"/, absent: ['n1'] },
  'train --batch 0': { args: [...toy, '--batch', '0', '--out', 'n1'], says: /--batch must be a positive integer/, absent: ['n1'] },
  'train --large-batch 0': { args: [...toy, '--large-batch', '0', '--out', 'n1'], says: /--large-batch must be a positive integer/, absent: ['n1'] },
  'train --warmup -1': { args: [...toy, '--warmup', '-1', '--out', 'n1'], says: /--warmup must be an integer ≥ 0/, absent: ['n1'] },
  'train --grad-clip -1': { args: [...toy, '--grad-clip', '-1', '--out', 'n1'], says: /--grad-clip must be a number ≥ 0/, absent: ['n1'] },
  'train --seed -1': { args: [...toy, '--seed', '-1', '--out', 'n1'], says: /--seed must be an integer ≥ 0/, absent: ['n1'] },
  'train --limit 0': { args: [...toy, '--limit', '0', '--out', 'n1'], says: /--limit must be a positive integer/, absent: ['n1'] },
  'train --size 0': { args: [...toy, '--size', '0', '--out', 'n1'], says: /--size must be a positive integer/, absent: ['n1'] },
  'train --channels 2': { args: [...toy, '--channels', '2', '--out', 'n1'], says: /--channels must be one of 1, 3/, absent: ['n1'] },
  'train --checkpoint-every -1': { args: [...toy, '--checkpoint-every', '-1', '--out', 'n1'], says: /--checkpoint-every must be an integer ≥ 0/, absent: ['n1'] },
  'train --sample-every x': { args: [...toy, '--sample-every', 'x', '--out', 'n1'], says: /--sample-every must be an integer ≥ 0, got "x"/, absent: ['n1'] },
  'train --profile gpu': { args: [...toy, '--profile', 'gpu', '--out', 'n1'], says: /--profile must be one of paper, cpu/, absent: ['n1'] },
  'train --method gan': { args: ['train', '--method', 'gan', '--data', 'toy:moons', '--out', 'n1'], says: /--method must be one of pfgm, pfgmpp, edm, vp/, absent: ['n1'] },
  'train batch larger than the data': { args: [...toy, '--batch', '5000', '--out', 'n1'], says: /fewer than one batch of 5000; lower the batch size/, absent: ['n1'] },
  'train a U-Net on points': { args: [...toy, '--net', 'ddpm-small', '--out', 'n1'], says: /--net ddpm-small does not fit .*use mlp for point data/, absent: ['n1'] },
  // Data loss: --overwrite validates first, and only replaces runs.
  '--overwrite with --batch 0 keeps the finished run': { args: [...toy, '--batch', '0', '--overwrite', '--out', run], says: /--batch must be a positive integer/, untouched: [run] },
  '--overwrite with --lr -1 keeps the finished run': { args: [...toy, '--lr', '-1', '--overwrite', '--out', run], says: /--lr must be/, untouched: [run] },
  '--overwrite with unknown data keeps the finished run': { args: [...toy.map((a) => (a === 'toy:8gaussians' ? 'toy:nope' : a)), '--overwrite', '--out', run], says: /nope/, untouched: [run] },
  '--overwrite on a folder that is not a run': { args: [...toy, '--steps', '2', '--overwrite', '--out', 'thesis'], says: /thesis is not a pfgm run folder \(it holds .*thesis\.tex.*\); --overwrite only replaces runs/, untouched: ['thesis'] },
  '--resume on a folder that is not a run': { args: [...toy, '--steps', '2', '--resume', '--out', 'thesis'], says: /--resume: thesis holds no pfgm training run/, untouched: ['thesis'] },
  'train into a folder holding other files': { args: [...toy, '--steps', '2', '--out', 'thesis'], says: /thesis already holds other files; refusing/, untouched: ['thesis'] },
  'train --out a file': { args: [...toy, '--steps', '2', '--out', 'a-file'], says: /a-file is a file, not a folder/ },
  'train over a finished run': { args: [...toy, '--steps', '4', '--out', run], says: /already holds a finished run; refusing to overwrite it/, untouched: [run] },
  '--resume and --overwrite together': { args: [...toy, '--steps', '9', '--resume', '--overwrite', '--out', run], says: /pass --resume or --overwrite, not both/, untouched: [run] },
  '--resume with other settings': { args: [...toy.map((a) => (a === '64' ? '32' : a)), '--steps', '9', '--resume', '--out', run], says: /config\.train\.batchSize: checkpoint 64, expected 32/, untouched: [run] },
  // Silent wrong results: a checkpoint of another run is refused, naming the fields.
  'sample a VP checkpoint in a PFGM++ run': { args: ['sample', '--ckpt', 'vp-ckpt-run', '--n', '4', '--out', 's.csv'], says: /method\.kind: checkpoint "vp", expected "pfgmpp"/, absent: ['s.csv'] },
  'sample a D = 2048 checkpoint in a D = 128 run': { args: ['sample', '--ckpt', 'd2048-ckpt-run', '--n', '4', '--out', 's.csv'], says: /method\.D: checkpoint 2048, expected 128/, absent: ['s.csv'] },
  'resume a D = 2048 checkpoint in a D = 128 run': { args: [...toy, '--steps', '9', '--resume', '--out', 'd2048-ckpt-run'], says: /method\.D: checkpoint 2048, expected 128/, untouched: ['d2048-ckpt-run'] },
  // Run files that are broken.
  'checkpoint with NaN weights': { args: ['sample', '--ckpt', 'nan-run', '--n', '4', '--out', 's.csv'], says: /nan-run\/checkpoint\.safetensors: the EMA weights are not finite/, absent: ['s.csv'] },
  'truncated checkpoint': { args: ['sample', '--ckpt', 'trunc-run', '--n', '4', '--out', 's.csv'], says: /trunc-run\/checkpoint\.safetensors.*truncated/, absent: ['s.csv'] },
  'checkpoint that is a folder': { args: ['sample', '--ckpt', 'dir-ckpt-run', '--n', '4', '--out', 's.csv'], says: /dir-ckpt-run\/checkpoint\.safetensors is a folder/, absent: ['s.csv'] },
  'config.json that is not JSON': { args: ['sample', '--ckpt', 'badjson-run', '--n', '4', '--out', 's.csv'], says: /badjson-run\/config\.json is not valid JSON/, absent: ['s.csv'] },
  'no run folder': { args: ['sample', '--ckpt', 'missing', '--out', 's.csv'], says: /expected a run folder made by 'pfgm train'/ },
  // Sampling options.
  'sample --n 0': { args: ['sample', '--ckpt', run, '--n', '0', '--out', 's.csv'], says: /--n must be a positive integer/ },
  'sample --steps 0': { args: ['sample', '--ckpt', run, '--solver', 'euler', '--steps', '0', '--out', 's.csv'], says: /--steps must be a positive integer/ },
  'sample --nfe -3': { args: ['sample', '--ckpt', run, '--solver', 'euler', '--nfe', '-3', '--out', 's.csv'], says: /--nfe must be a positive integer/ },
  'sample --rtol 0': { args: ['sample', '--ckpt', run, '--rtol', '0', '--out', 's.csv'], says: /--rtol must be a number > 0/ },
  'sample --solver leapfrog': { args: ['sample', '--ckpt', run, '--solver', 'leapfrog', '--out', 's.csv'], says: /expected euler, heun, rk4 or rk45/, absent: ['s.csv'] },
  'sample --out .txt': { args: ['sample', '--ckpt', run, '--out', 's.txt'], says: /--out s\.txt: expected \.png, \.svg, \.csv or \.npz for 2-D points/, absent: ['s.txt'] },
  'sample --out under a file': { args: ['sample', '--ckpt', run, '--out', 'a-file/s.csv'], says: /a-file is a file, not a folder/ },
  'interpolate --pairs 0': { args: ['interpolate', '--ckpt', run, '--pairs', '0', '--out', 'i.csv'], says: /--pairs must be a positive integer/ },
  'sample --out an existing file': { args: ['sample', '--ckpt', run, '--n', '4', '--out', 'old.csv'], says: /--out old\.csv: old\.csv already exists; expected a new file\. Pass --overwrite to replace it/ },
  'interpolate --out an existing file': { args: ['interpolate', '--ckpt', run, '--out', 'old.csv'], says: /--out old\.csv: old\.csv already exists; expected a new file\. Pass --overwrite to replace it/ },
  'interpolate --n 1': { args: ['interpolate', '--ckpt', run, '--n', '1', '--out', 'i.csv'], says: /--n must be an integer ≥ 2/ },
  'bpd --batch 0': { args: ['bpd', '--ckpt', run, '--data', 'toy:8gaussians', '--batch', '0'], says: /--batch must be a positive integer/ },
  'bpd --probes 0': { args: ['bpd', '--ckpt', run, '--data', 'toy:8gaussians', '--probes', '0'], says: /--probes must be a positive integer/ },
  'bpd --split val': { args: ['bpd', '--ckpt', run, '--data', 'toy:8gaussians', '--split', 'val'], says: /--split must be one of train, test/ },
  'encode --limit 0': { args: ['encode', '--ckpt', run, '--data', 'toy:8gaussians', '--limit', '0', '--out', 'z.safetensors'], says: /--limit must be a positive integer/ },
  'encode --out .png': { args: ['encode', '--ckpt', run, '--data', 'toy:8gaussians', '--out', 'z.png'], says: /--out z\.png: expected a \.safetensors file/, absent: ['z.png'] },
  // Data files (IDX/.gz, CIFAR binary, image folders).
  'train --data-dir a file': { args: ['train', '--method', 'vp', '--data', 'fmnist', '--data-dir', 'a-file', '--net', 'ddpmpp-small', '--steps', '1', '--out', 'n2'], says: /--data-dir a-file is a file; expected the folder/, absent: ['n2'] },
  'bpd --data-dir missing': { args: ['bpd', '--ckpt', run, '--data', 'toy:8gaussians', '--data-dir', 'nowhere'], says: /--data-dir nowhere: no such folder/ },
  'Fashion-MNIST file that is not IDX': { args: ['train', '--method', 'vp', '--data', 'fmnist', '--data-dir', 'fm', '--net', 'ddpmpp-small', '--steps', '1', '--out', 'n2'], says: /fm\/train-images-idx3-ubyte\.gz: not an IDX ubyte file/, absent: ['n2'] },
  'Fashion-MNIST gzip that is corrupt': { args: ['train', '--method', 'vp', '--data', 'fmnist', '--data-dir', 'fm-badgz', '--net', 'ddpmpp-small', '--steps', '1', '--out', 'n2'], says: /fm-badgz\/train-images-idx3-ubyte\.gz: corrupt or truncated gzip data/, absent: ['n2'] },
  'CIFAR-10 batch of the wrong size': { args: ['train', '--method', 'vp', '--data', 'cifar10', '--data-dir', 'cifar', '--net', 'ddpmpp-small', '--steps', '1', '--out', 'n2'], says: /data_batch_1\.bin: truncated or corrupt CIFAR-10 batch/, absent: ['n2'] },
  'image folder without images': { args: ['train', '--method', 'vp', '--data', 'folder:no-images', '--net', 'ddpmpp-small', '--steps', '1', '--out', 'n2'], says: /image folder no-images holds no images/, absent: ['n2'] },
  'image that does not decode': { args: ['train', '--method', 'vp', '--data', 'folder:bad-images', '--net', 'ddpmpp-small', '--steps', '1', '--out', 'n2'], says: /bad-images\/a\.png: cannot decode image/, absent: ['n2'] },
  // fid / stats: checked before Inception runs (these would take minutes to hours after it).
  'fid --ref missing': { args: ['fid', '--ref', 'nothere.npz', '--gen', 'gen.npz'], says: /--ref nothere\.npz: no such file or folder/ },
  'fid --ref asymmetric sigma': { args: ['fid', '--ref', 'asym.npz', '--gen', 'gen.npz'], says: /asym\.npz: sigma is not symmetric \(max \|Σij − Σji\| = 5\.00e-1/ },
  'fid --ref sigma not PSD': { args: ['fid', '--ref', 'indefinite.npz', '--gen', 'gen.npz'], says: /indefinite\.npz: sigma is not positive semi-definite \(most negative eigenvalue -3/ },
  'fid --ref .npz that is not a zip': { args: ['fid', '--ref', 'junk.npz', '--gen', 'gen.npz'], says: /junk\.npz/ },
  'fid with too few images': { args: ['fid', '--ref', 'ok.npz', '--gen', 'gen.npz'], says: /3 generated images: FID needs N > 2048.*--allow-few/ },
  'fid --batch 0': { args: ['fid', '--ref', 'ok.npz', '--gen', 'gen.npz', '--batch', '0'], says: /--batch 0: expected a positive integer/ },
  'fid --save-stats under a file': { args: ['fid', '--ref', 'ok.npz', '--gen', 'gen.npz', '--save-stats', 'a-file/x.npz'], says: /a-file is a file, not a folder/ },
  'fid --inception .pth that is not one': { args: ['fid', '--ref', 'ok.npz', '--gen', 'gen.npz', '--allow-few', '--inception', 'junk.pth'], says: /junk\.pth: not a PyTorch checkpoint/ },
  'fid --inception a folder': { args: ['fid', '--ref', 'ok.npz', '--gen', 'gen.npz', '--allow-few', '--inception', 'thesis'], says: /--inception thesis is a folder; expected the weights file itself/ },
  'fid --inception .safetensors that is not one': { args: ['fid', '--ref', 'ok.npz', '--gen', 'gen.npz', '--allow-few', '--inception', 'a-file.safetensors'], says: /a-file\.safetensors: truncated safetensors file/ },
  'stats --out under a file': { args: ['stats', '--images', 'gen.npz', '--out', 'a-file/s.npz'], says: /a-file is a file, not a folder/ },
  'stats --images missing': { args: ['stats', '--images', 'none.npz', '--out', 'st.npz'], says: /--images none\.npz: no such folder or \.npz/, absent: ['st.npz'] },
  // Released checkpoints (issue 15): wrong, corrupt, truncated and mismatched files, and flags that contradict them.
  'released: a text file named checkpoint_1.pth': { args: sampleRel('checkpoint_1.pth'), says: /rel\/checkpoint_1\.pth: not a PyTorch checkpoint/, absent: ['rel-out.png'], untouched: ['rel'] },
  'released: a corrupt pickle': { args: sampleRel('corrupt.pkl'), says: /rel\/corrupt\.pkl: cannot read the pickle .*truncated or corrupt file\?$/, absent: ['rel-out.png'], untouched: ['rel'] },
  'released: a truncated .pkl': { args: sampleRel('cut.pkl'), says: /rel\/cut\.pkl: cannot read the pickle .*Unexpected end of file.*truncated or corrupt file\?$/, absent: ['rel-out.png'], untouched: ['rel'] },
  'released: a truncated .pt': { args: sampleRel('training-state-000002.pt'), says: /rel\/training-state-000002\.pt: corrupt or truncated PyTorch zip checkpoint .*re-download the file$/, absent: ['rel-out.png'], untouched: ['rel'] },
  'released: a truncated .pth': { args: sampleRel('checkpoint_2.pth'), says: /rel\/checkpoint_2\.pth: corrupt or truncated PyTorch zip checkpoint/, absent: ['rel-out.png'], untouched: ['rel'] },
  'released: a missing file': { args: sampleRel('checkpoint_9.pth'), says: /--checkpoint rel\/checkpoint_9\.pth does not exist; expected a released checkpoint/, absent: ['rel-out.png'] },
  'released: a .pth of no released config': { args: sampleRel('vp.pth'), says: /rel\/vp\.pth: matches none of the released NCSN\+\+ configs .*give its official config .* with --arch-config <file\.json>$/, absent: ['rel-out.png'] },
  'released: keys misshaped for the --arch-config (VP file, PFGM config)': { args: sampleRel('vp.pth', '--arch-config', 'rel/pfgm-arch.json'), says: /rel\/vp\.pth: not a NCSN\+\+ checkpoint for .*PFGM N\+1: key 'all_modules\.17\.weight' is \[3, 4, 3, 3\], expected \[4, 4, 3, 3\]/, absent: ['rel-out.png'] },
  'released: keys missing/extra for the --arch-config (FIR config)': { args: sampleRel('pfgm.pth', '--arch-config', 'rel/fir-arch.json'), says: /rel\/pfgm\.pth: not a NCSN\+\+ checkpoint for .*fir true.*: missing key 'all_modules\.0\.W' \[4\] \(\+\d+ more\); extra key 'all_modules\.0\.weight'/, absent: ['rel-out.png'] },
  'released: --arch-config without training.sde and no --method': { args: sampleRel('pfgm.pth', '--arch-config', 'rel/nosde-arch.json'), says: /does not say whether it is PFGM or VP-ODE; pass --method pfgm or --method vp$/, absent: ['rel-out.png'] },
  'released: --arch-config that is not JSON': { args: sampleRel('pfgm.pth', '--arch-config', 'rel/checkpoint_1.pth'), says: /--arch-config rel\/checkpoint_1\.pth: not valid JSON/, absent: ['rel-out.png'] },
  'released: --arch-config on an EDM file': { args: sampleRel('network-snapshot-000001.pkl', '--arch-config', 'rel/pfgm-arch.json'), says: /--arch-config: .*carries its own architecture .*drop it$/, absent: ['rel-out.png'] },
  'released: --D contradicting the file': { args: sampleRel('training-state-000001.pt', '--D', '2048'), says: /--D 2048 contradicts rel\/training-state-000001\.pt, which is PFGM\+\+ with D = 128 by its EDMPrecond/, absent: ['rel-out.png'] },
  'released: --method contradicting the file': { args: sampleRel('training-state-000001.pt', '--method', 'edm'), says: /--method edm contradicts rel\/training-state-000001\.pt, which is pfgmpp \(D = 128\)/, absent: ['rel-out.png'] },
  'released: --method of the other family': { args: sampleRel('network-snapshot-000001.pkl', '--method', 'vp'), says: /--method vp: rel\/network-snapshot-000001\.pkl is an EDM \/ PFGM\+\+ network .*expected --method pfgmpp or edm$/, absent: ['rel-out.png'] },
  'released: --D with VP-ODE': { args: sampleRel('vp.pth', '--arch-config', 'rel/nosde-arch.json', '--method', 'vp', '--D', '128'), says: /--D 128 applies to PFGM\+\+ only; rel\/vp\.pth is vp \(--method\): drop --D$/, absent: ['rel-out.png'] },
  'released: --method pfgmpp without D on a file that records none': { args: sampleRel('network-snapshot-000001.pkl', '--method', 'pfgmpp'), says: /does not record PFGM\+\+'s D .*; pass --D <int>/, absent: ['rel-out.png'] },
  'released: --dataset of another resolution': { args: sampleRel('training-state-000001.pt', '--dataset', 'cifar10'), says: /--dataset cifar10 has 32×32×3 images, but rel\/training-state-000001\.pt is a network for 8×8×3/, absent: ['rel-out.png'] },
  'released: --method on a run folder': { args: ['sample', '--checkpoint', run, '--method', 'vp', '--n', '2', '--out', 'rel-out.csv'], says: /--method vp: run is a run folder of 'pfgm train' whose config\.json records method pfgmpp \(D = 128\) .*drop --method$/, absent: ['rel-out.csv'] },
  'released: interpolate a corrupt pickle': { args: ['interpolate', '--checkpoint', 'rel/corrupt.pkl', '--out', 'rel-out.png'], says: /rel\/corrupt\.pkl: cannot read the pickle/, absent: ['rel-out.png'] },
  'released: encode a truncated .pt': { args: ['encode', '--checkpoint', 'rel/training-state-000002.pt', '--data', 'cifar10', '--out', 'rel-z.safetensors'], says: /training-state-000002\.pt: corrupt or truncated/, absent: ['rel-z.safetensors'] },
  'released: bpd with --D contradicting the file': { args: ['bpd', '--ckpt', 'rel/training-state-000001.pt', '--D', '64', '--data', 'cifar10'], says: /--D 64 contradicts/ },
  'released: fid of a text file named checkpoint_1.pth': { args: ['fid', '--ref', 'ok.npz', '--checkpoint', 'rel/checkpoint_1.pth', '--save-stats', 'rel-st.npz'], says: /rel\/checkpoint_1\.pth: not a PyTorch checkpoint/, absent: ['rel-st.npz'] },
};

// The cases only read the shared fixtures (none takes a lock another one needs), so a few run at once.
describe('bad input: one clear line, exit status 1, nothing touched', () => {
  it.concurrent.each(Object.entries(cases))('%s', async (_name, c) => {
    const before = Object.fromEntries((c.untouched ?? []).map((d) => [d, snapshot(at(d))]));
    const r = await pfgm(c.args);
    expect(r.code, r.stderr).toBe(1);
    expect(errorLine(r)).toMatch(c.says);
    for (const d of c.untouched ?? []) expect(snapshot(at(d)), `${d} changed`).toEqual(before[d]);
    for (const p of c.absent ?? []) expect(existsSync(at(p)), `${p} was created`).toBe(false);
    expect(readFileSync(at('old.csv'), 'utf8'), 'old.csv changed').toBe('x0,x1\n1,2\n');
  }, 120_000);
});

describe('faults: signals, a killed run, two writers', () => {
  const long = ['train', '--method', 'vp', '--data', 'toy:moons', '--limit', '512', '--batch', '64', '--steps', '100000'];

  /** Starts a long run and sends `sig` once it has trained (its first progress line); resolves when it ends. */
  function startAndSignal(out: string, sig: NodeJS.Signals, extra: string[] = []): Promise<Result> {
    let sent = false;
    return pfgm([...long, ...extra, '--out', out], (text, pid) => {
      if (!sent && /^train \d+\/100000/m.test(text)) {
        sent = true;
        process.kill(pid, sig);
      }
    });
  }

  it('SIGTERM writes a checkpoint and exits 143; --resume continues', async () => {
    const r = await startAndSignal('term', 'SIGTERM', ['--checkpoint-every', '100000']);
    expect(r.stderr).toMatch(/SIGTERM: finishing this step/);
    expect(r.code).toBe(143);
    const step = Number(/interrupted at step (\d+)/.exec(r.stderr)?.[1]);
    expect(step).toBeGreaterThan(0);
    expect(existsSync(at('term', 'checkpoint.safetensors'))).toBe(true);
    expect(existsSync(at('term', 'DONE'))).toBe(false);
    expect(existsSync(at('term', '.pfgm-lock'))).toBe(false);
    const log = readFileSync(at('term', 'train-log.csv'), 'utf8').trim().split('\n');
    expect(log[0]).toBe('step,loss,grad_norm,lr,seconds');
    expect(Number(log.at(-1)?.split(',')[0])).toBe(step);
    const again = await pfgm([...long.map((a) => (a === '100000' ? String(step + 2) : a)), '--out', 'term', '--resume']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`trained ${step + 2} steps`));
  }, 180_000);

  it('SIGKILL leaves a stale lock and a temp file; --resume takes the lock over, removes the temp file and continues', async () => {
    let sent = false;
    let reached = 0;
    const r = await pfgm([...long, '--checkpoint-every', '2', '--out', 'killed'], (text, pid) => {
      if (!sent && existsSync(at('killed', 'checkpoint.safetensors')) && /^train \d+\/100000/m.test(text)) {
        sent = true;
        reached = Math.max(...[...text.matchAll(/^train (\d+)\/100000/gm)].map((m) => Number(m[1])));
        process.kill(pid, 'SIGKILL');
      }
    });
    expect(r.signal).toBe('SIGKILL');
    expect(existsSync(at('killed', '.pfgm-lock'))).toBe(true); // the dead process's lock
    writeFileSync(at('killed', '.checkpoint.safetensors.999999.deadbeef.tmp'), 'half a checkpoint');
    const again = await pfgm([...long.map((a) => (a === '100000' ? String(reached + 6) : a)), '--checkpoint-every', '2', '--out', 'killed', '--resume']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/resumed .*killed at step \d+/);
    // The planted file, and the killed process's own if the kill landed inside a checkpoint write (every 2 steps).
    expect(again.stderr).toMatch(/removed [12] temp file\(s\) of an interrupted write: .*\.checkpoint\.safetensors\.999999\.deadbeef\.tmp/);
    expect(readdirSync(at('killed')).filter((f) => f.endsWith('.tmp') || f === '.pfgm-lock')).toEqual([]);
  }, 180_000);

  it('a second writer on a folder in use is refused (--overwrite, --resume, sample --out into it) and the first run loses nothing', async () => {
    let running: (pid: number) => void = () => undefined;
    const ready = new Promise<number>((r) => (running = r));
    const first = pfgm([...long, '--checkpoint-every', '100000', '--out', 'busy'], (text, pid) => {
      if (/^train \d+\/100000/m.test(text)) running(pid);
    });
    const pid = await ready;
    try {
      const cfg = readFileSync(at('busy', 'config.json'), 'utf8');
      const overwrite = await pfgm([...long.map((x) => (x === '64' ? '32' : x)), '--overwrite', '--out', 'busy']);
      const resume = await pfgm([...long, '--resume', '--out', 'busy']);
      const intoRun = await pfgm(['sample', '--ckpt', run, '--n', '4', '--out', 'busy/s.csv']);
      expect(intoRun.code).toBe(1);
      expect(errorLine(intoRun)).toMatch(new RegExp(`busy is in use by pid ${pid}`));
      expect(existsSync(at('busy', 's.csv'))).toBe(false);
      for (const r of [overwrite, resume]) {
        expect(r.code).toBe(1);
        expect(errorLine(r)).toMatch(new RegExp(`busy is in use by pid ${pid} on .* since .* \\(pfgm train\\); wait for it to finish or stop it; if that process is gone, delete .*\\.pfgm-lock`));
      }
      expect(readFileSync(at('busy', 'config.json'), 'utf8')).toBe(cfg);
    } finally {
      process.kill(pid, 'SIGINT');
    }
    const r = await first;
    expect(r.code).toBe(130);
    expect(JSON.parse(readFileSync(at('busy', 'config.json'), 'utf8')).train.batchSize).toBe(64);
    expect(existsSync(at('busy', 'checkpoint.safetensors'))).toBe(true);
  }, 240_000);
});

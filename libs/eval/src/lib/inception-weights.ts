/**
 * Where the FID Inception weights come from (fid-spec §1.1): `--inception PATH`, the cache (`$PFGM_CACHE`, default
 * `~/.cache/pfgm`), or a download of pytorch-fid's file with SHA-256 verification. Any `.pth` is converted once to
 * `<cache>/inception/inception-<sha256[:16]>.safetensors` and read from there afterwards.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { checkInceptionStateDict } from './inception-params.js';
import { readSafetensors, writeSafetensors } from './safetensors.js';
import type { StateDict } from './state-dict.js';
import { readTorchCheckpoint } from './torch-pth.js';

/** pytorch-fid's port of the 2015-12-05 graph (`FID_WEIGHTS_URL` in pytorch-fid `inception.py`). */
export const FID_WEIGHTS_URL = 'https://github.com/mseitzer/pytorch-fid/releases/download/fid_weights/pt_inception-2015-12-05-6726825d.pth';
/** Its SHA-256 (torch-hub suffix `6726825d`; same bytes as torch-fidelity's `weights-inception-2015-12-05-6726825d.pth`). */
export const FID_WEIGHTS_SHA256 = '6726825d0af5f729cebd5821db510b11b1cfad8faad88a03f1befd49fb9129b2';
export const FID_WEIGHTS_FILE = 'pt_inception-2015-12-05-6726825d.pth';

/** Options of {@link loadInceptionStateDict}. */
export interface InceptionWeightsOptions {
  /** A `.pth` (zip or legacy layout) or converted `.safetensors`; skips the cache lookup and download. */
  path?: string;
  /** Cache root. Default `$PFGM_CACHE`, else `~/.cache/pfgm`. */
  cacheDir?: string;
  /** Download source. Default {@link FID_WEIGHTS_URL}. */
  url?: string;
  /** Expected SHA-256 of the download. Default {@link FID_WEIGHTS_SHA256}. */
  sha256?: string;
  /** Allow downloading when nothing is cached. Default true. */
  download?: boolean;
  /** Progress/info messages. Default: none. */
  log?: (message: string) => void;
}

/** `$PFGM_CACHE` or `~/.cache/pfgm`. */
export function defaultCacheDir(): string {
  return process.env.PFGM_CACHE ?? join(homedir(), '.cache', 'pfgm');
}

const exists = (p: string) => stat(p).then(() => true, () => false);
const sha256Of = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const convertedName = (sha: string) => `inception-${sha.slice(0, 16)}.safetensors`;

/** Downloads `url` to `dest` (via `dest.part`), verifying SHA-256; on mismatch nothing is left behind. */
export async function downloadVerified(url: string, dest: string, sha256: string, log: (m: string) => void = () => undefined): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new Error(`download of ${url} failed (${(e as Error).message}); without network access download it elsewhere and pass --inception PATH or place it at ${dest}`);
  }
  if (!res.ok || !res.body) throw new Error(`download of ${url} failed: HTTP ${res.status} ${res.statusText}`);
  const part = `${dest}.part`;
  const hash = createHash('sha256');
  const out = createWriteStream(part);
  let n = 0;
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      n += chunk.length;
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
    }
    await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  } catch (e) {
    out.destroy();
    await rm(part, { force: true });
    throw new Error(`download of ${url} interrupted after ${n} bytes: ${(e as Error).message}`);
  }
  const got = hash.digest('hex');
  if (got !== sha256.toLowerCase()) {
    await rm(part, { force: true });
    throw new Error(`checksum mismatch for ${url}: SHA-256 ${got}, expected ${sha256} (${n} bytes received); the download is corrupt or the URL serves another file`);
  }
  await rename(part, dest);
  log(`downloaded ${url} (${n} bytes, SHA-256 verified)`);
}

/** Reads a `.pth` / `.safetensors` file, validates the Inception layout, and caches the conversion. */
async function loadFile(path: string, cacheDir: string, log: (m: string) => void): Promise<StateDict> {
  const bytes = new Uint8Array(await readFile(path));
  if (path.endsWith('.safetensors')) return validated(readSafetensors(bytes, path).tensors, path);
  const sha = sha256Of(bytes);
  if (sha !== FID_WEIGHTS_SHA256) log(`note: ${path} is not pytorch-fid's file (SHA-256 ${sha.slice(0, 16)}…); its FIDs are not comparable with published ones`);
  const converted = join(cacheDir, 'inception', convertedName(sha));
  if (await exists(converted)) return validated(readSafetensors(new Uint8Array(await readFile(converted)), converted).tensors, converted);
  const ck = readTorchCheckpoint(bytes, path);
  const sd = validated(ck.tensors, path);
  await mkdir(join(cacheDir, 'inception'), { recursive: true });
  await writeFile(`${converted}.tmp`, writeSafetensors(sd, { source: path, sha256: sha, layout: ck.layout }));
  await rename(`${converted}.tmp`, converted);
  log(`converted ${path} (${ck.layout} layout) to ${converted}`);
  return sd;
}

function validated(sd: StateDict, where: string): StateDict {
  checkInceptionStateDict(sd, where);
  return sd;
}

/** Loads pytorch-fid's FID Inception state dict (472 float32 tensors) from a path, the cache, or the network. */
export async function loadInceptionStateDict(opts: InceptionWeightsOptions = {}): Promise<StateDict> {
  const { cacheDir = defaultCacheDir(), url = FID_WEIGHTS_URL, sha256 = FID_WEIGHTS_SHA256, download = true, log = () => undefined } = opts;
  if (opts.path) return loadFile(opts.path, cacheDir, log);
  const converted = join(cacheDir, 'inception', convertedName(sha256));
  if (await exists(converted)) return validated(readSafetensors(new Uint8Array(await readFile(converted)), converted).tensors, converted);
  const pth = join(cacheDir, 'inception', FID_WEIGHTS_FILE);
  if (!(await exists(pth))) {
    if (!download) throw new Error(`FID Inception weights not found in ${join(cacheDir, 'inception')}; pass --inception PATH (pytorch-fid's ${FID_WEIGHTS_FILE}) or allow the download`);
    await mkdir(join(cacheDir, 'inception'), { recursive: true });
    log(`downloading ${url} …`);
    await downloadVerified(url, pth, sha256, log);
  }
  const sha = sha256Of(new Uint8Array(await readFile(pth)));
  if (sha !== sha256) throw new Error(`checksum mismatch for cached ${pth}: SHA-256 ${sha}, expected ${sha256}; delete it to download again`);
  return loadFile(pth, cacheDir, log);
}

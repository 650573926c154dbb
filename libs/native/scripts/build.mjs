#!/usr/bin/env node
// Builds the pfgm_native addon with npm's own node-gyp against the installed Node headers (nothing is downloaded),
// linking Debian's OpenBLAS. Run by `npm ci`/`npm install` (this package's `install` script) and by
// `npm run build:native -w @pfgm/native`. It never fails the install: when the addon cannot be built it writes the
// reason to build/status.json, and @pfgm/native reports it (`pfgm doctor`) while the tensors run on plain wasm.
// PFGM_NATIVE_BUILD=0 skips the build (status records that).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const buildDir = path.join(root, 'build');
const statusFile = path.join(buildDir, 'status.json');

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}`, error: r.error };
}

function record(ok, reason, extra = {}) {
  fs.mkdirSync(buildDir, { recursive: true });
  const status = { ok, reason, node: process.version, builtAt: new Date().toISOString(), ...extra };
  fs.writeFileSync(`${statusFile}.${process.pid}`, `${JSON.stringify(status, null, 2)}\n`);
  fs.renameSync(`${statusFile}.${process.pid}`, statusFile);
  console.log(ok ? `@pfgm/native: addon built (${extra.blas ?? 'OpenBLAS'})` : `@pfgm/native: not built: ${reason} (plain wasm will be used)`);
}

/** A directory D with D/include/node/node_api.h for node-gyp's --nodedir, from the running Node's install. */
function nodeDir() {
  const candidates = [path.dirname(path.dirname(process.execPath)), '/usr', '/usr/local'];
  return candidates.find((d) => fs.existsSync(path.join(d, 'include/node/node_api.h')));
}

/** npm's bundled node-gyp (npm sets npm_config_node_gyp for lifecycle scripts). */
function nodeGyp() {
  const env = process.env.npm_config_node_gyp;
  if (env && fs.existsSync(env)) return env;
  const candidates = [path.join(path.dirname(path.dirname(process.execPath)), 'lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js')];
  try {
    const npmCli = createRequire(import.meta.url).resolve('npm/package.json');
    candidates.push(path.join(path.dirname(npmCli), 'node_modules/node-gyp/bin/node-gyp.js'));
  } catch {
    // npm is not resolvable from here; the paths above are npm's usual places.
  }
  return candidates.find((p) => fs.existsSync(p));
}

/** Why the C toolchain or OpenBLAS cannot build the addon, or null. Compiles and links a probe. */
function probeToolchain() {
  const cc = process.env.CC ?? 'cc';
  if (sh(cc, ['--version']).error) return `no C compiler ('${cc}' not found; apt-get install gcc)`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pfgm-native-probe-'));
  try {
    const src = path.join(dir, 'probe.c');
    fs.writeFileSync(
      src,
      '#include <cblas.h>\nextern void dsyevd_(void);\nint main(void){float a=1,b=2,c=0;' +
        'cblas_sgemm(CblasRowMajor,CblasNoTrans,CblasNoTrans,1,1,1,1.f,&a,1,&b,1,0.f,&c,1);' +
        'void (*f)(void)=dsyevd_;return c==2.f&&f!=0?0:1;}\n',
    );
    const header = sh(cc, ['-E', src, '-o', path.join(dir, 'probe.i')]);
    if (!header.ok) return 'libopenblas-dev not installed (cblas.h not found; apt-get install libopenblas-dev)';
    const exe = path.join(dir, 'probe');
    const link = sh(cc, [src, '-o', exe, '-lopenblas', '-lm']);
    if (!link.ok) return `OpenBLAS does not link (-lopenblas: ${link.out.split('\n').find((l) => /error|undefined/.test(l)) ?? 'failed'})`;
    const run = sh(exe, []);
    if (!run.ok) return 'an OpenBLAS probe program built but gave a wrong sgemm result';
    return null;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function main() {
  if (process.env.PFGM_NATIVE_BUILD === '0') return record(false, 'build skipped (PFGM_NATIVE_BUILD=0)');
  if (process.platform !== 'linux') return record(false, `not built on ${process.platform} (the build is written for Linux with Debian's OpenBLAS)`);
  const why = probeToolchain();
  if (why != null) return record(false, why);
  const dir = nodeDir();
  if (dir == null) return record(false, `Node headers not found (no include/node/node_api.h beside ${process.execPath} or in /usr, /usr/local)`);
  const gyp = nodeGyp();
  if (gyp == null) return record(false, "npm's node-gyp not found (set npm_config_node_gyp)");
  // Built in a scratch copy of the sources, then renamed into build/Release: a build never leaves build/ half-written
  // (running processes and concurrent test runs keep the previous addon until the new one is complete).
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pfgm-native-build-'));
  try {
    fs.copyFileSync(path.join(root, 'binding.gyp'), path.join(work, 'binding.gyp'));
    fs.cpSync(path.join(root, 'src'), path.join(work, 'src'), { recursive: true, filter: (f) => !/\.(ts|js)$/.test(f) });
    const r = sh(process.execPath, [gyp, 'rebuild', `--nodedir=${dir}`, '--jobs=1'], { cwd: work, env: { ...process.env, npm_config_nodedir: dir } });
    if (!r.ok) {
      const lines = r.out.split('\n').filter((l) => /error/i.test(l)).slice(0, 3);
      return record(false, `node-gyp failed: ${lines.join(' | ') || r.out.slice(-300)}`);
    }
    const built = path.join(work, 'build', 'Release', 'pfgm_native.node');
    // Load and run it once in a child process: a binary that links but fails to load is reported now, not later.
    const check = sh(process.execPath, [
      '-e',
      `const m=require(${JSON.stringify(built)});` +
        'const a=new Float32Array([1,2,3,4]),c=new Float32Array(4);m.sgemm(false,false,2,2,2,1,a,0,2,a,0,2,0,c,0,2);' +
        'if(c.join()!=="7,10,15,22")throw new Error("sgemm gave "+c.join());console.log(m.config())',
    ]);
    if (!check.ok) return record(false, `the addon built but does not load: ${check.out.split('\n')[0]}`);
    const target = path.join(buildDir, 'Release', 'pfgm_native.node');
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(built, `${target}.${process.pid}`);
    fs.renameSync(`${target}.${process.pid}`, target);
    return record(true, null, { blas: check.out.trim(), nodedir: dir });
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/**
 * One build at a time in build/: node-gyp's `rebuild` deletes and rewrites the folder, so two concurrent builds
 * (two shells, or an install during a rebuild) corrupt each other. The lock is a directory holding the builder's pid;
 * a lock whose process is gone is taken over. Waits up to 10 minutes.
 */
function withBuildLock(fn) {
  const lock = path.join(root, '.build-lock');
  const deadline = Date.now() + 600_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if (err?.code !== 'EEXIST') throw err;
      let holder = NaN;
      try {
        holder = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8'));
      } catch {
        // The holder has created the directory but not yet written its pid.
      }
      let alive = true;
      if (Number.isInteger(holder) && holder > 0) {
        try {
          process.kill(holder, 0);
        } catch (e) {
          alive = e?.code === 'EPERM';
        }
      }
      if (!alive) fs.rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`another build of the addon holds ${lock} (pid ${holder}); remove it if no build runs`);
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

try {
  withBuildLock(main);
} catch (err) {
  try {
    record(false, `build script error: ${err?.message ?? err}`);
  } catch {
    console.log(`@pfgm/native: not built (${err?.message ?? err})`);
  }
}
process.exit(0);

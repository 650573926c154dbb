// The playground page: controls, four canvases and the numbers; state exported as `window.__playground` for the e2e
// specs. All computation is in ./engine.ts (which only calls the libraries).
import { BACKENDS, useBackend, type BackendName } from './backend.js';
import { fmt, pathColor, Plot } from './draw.js';
import {
  D_VALUES,
  DEFAULT_SETTINGS,
  halfPlaneField,
  makeTrainer,
  methodLabel,
  planeField,
  priorLaw,
  runSampling,
  TOY_2D_NAMES,
  toyPoints,
  type FieldView,
  type PointSet,
  type PriorLaw,
  type SampleRun,
  type Settings,
  type Toy2dName,
} from './engine.js';
import type { Network } from '@pfgm/networks';

/** What the e2e specs read (plain numbers and strings only). */
export interface PlaygroundState {
  /** True once the first full render finished. */
  ready: boolean;
  /** Jobs queued or running (a spec waits for 0). */
  busy: number;
  backend: string;
  backendNote: string | null;
  settings: Settings;
  data: { name: string; n: number; points: [number, number][] };
  prior: Omit<PriorLaw, 'radii'> | null;
  run: Omit<SampleRun, 'paths' | 'samples'> | null;
  training: { steps: number; losses: number[]; done: boolean; backend: string; ms: number } | null;
  fieldLevel: number;
  errors: string[];
  /** Increments after every finished job. */
  version: number;
}

declare global {
  interface Window {
    __playground: PlaygroundState;
  }
}

const DATA_EXTENT = 5;
const TRAIN_STEPS = 500;

const state: PlaygroundState = {
  ready: false,
  busy: 0,
  backend: 'none',
  backendNote: null,
  settings: { ...DEFAULT_SETTINGS },
  data: { name: '8gaussians', n: 0, points: [] },
  prior: null,
  run: null,
  training: null,
  fieldLevel: 0.6,
  errors: [],
  version: 0,
};
window.__playground = state;

let data: PointSet = toyPoints('8gaussians', 64);
let net: Network | null = null;
let lastRun: SampleRun | null = null;
let law: PriorLaw | null = null;
let previousLaw: PriorLaw | null = null;
let plane: FieldView | null = null;
let half: FieldView | null = null;

// ---------------------------------------------------------------- layout

const app = document.getElementById('app') as HTMLDivElement;
app.innerHTML = `
<div id="controls">
  <fieldset><legend>Data (charges)</legend>
    <label>toy <select id="toy">${TOY_2D_NAMES.map((n) => `<option>${n}</option>`).join('')}<option value="custom">custom (click)</option></select></label>
    <label>points <input id="npoints" type="number" min="1" max="512" value="64"></label>
    <div>Click the data plane to add a point, drag one to move it, double-click to remove it.</div>
    <button id="clear">clear points</button>
  </fieldset>
  <fieldset><legend>Method</legend>
    <label><select id="method" style="width:210px">
      <option value="pfgmpp">PFGM++ / EDM (D below)</option>
      <option value="pfgm">PFGM (original, N+1 dims)</option>
      <option value="vp">VP-ODE</option>
    </select></label>
    <label>D <input id="D" type="range" min="0" max="${D_VALUES.length - 1}" step="1"> <b id="Dlabel"></b></label>
    <label>predictor <select id="predictor"><option value="oracle">exact-field oracle</option><option value="net">trained MLP</option></select></label>
  </fieldset>
  <fieldset><legend>Sampler</legend>
    <label>solver <select id="solver"><option value="rk45">RK45</option><option value="heun">Heun</option><option value="euler">Euler</option></select></label>
    <label>steps (Euler/Heun) <input id="steps" type="number" min="1" max="500" value="20"></label>
    <label>samples <input id="samples" type="number" min="1" max="2000" value="200"></label>
    <label>seed <input id="seed" type="number" value="2023"></label>
    <button id="run">sample</button>
  </fieldset>
  <fieldset><legend>Train a small MLP here</legend>
    <label>backend <select id="backend">${BACKENDS.map((b) => `<option>${b}</option>`).join('')}</select></label>
    <label>steps <input id="trainSteps" type="number" min="1" max="20000" value="${TRAIN_STEPS}"></label>
    <button id="train">train, then sample</button>
  </fieldset>
  <div id="status"></div>
</div>
<div>
  <canvas id="plane" width="520" height="520"></canvas>
  <label>field level <span id="levelName"></span> <input id="level" type="range" min="0" max="100" value="40"> <b id="levelLabel"></b></label>
  <canvas id="half" width="520" height="300"></canvas>
</div>
<div>
  <table id="numbers"></table>
  <canvas id="prior" width="460" height="230"></canvas>
  <canvas id="loss" width="460" height="200"></canvas>
</div>`;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const toySel = $<HTMLSelectElement>('toy');
const nPoints = $<HTMLInputElement>('npoints');
const methodSel = $<HTMLSelectElement>('method');
const dRange = $<HTMLInputElement>('D');
const predictorSel = $<HTMLSelectElement>('predictor');
const solverSel = $<HTMLSelectElement>('solver');
const stepsIn = $<HTMLInputElement>('steps');
const samplesIn = $<HTMLInputElement>('samples');
const seedIn = $<HTMLInputElement>('seed');
const backendSel = $<HTMLSelectElement>('backend');
const trainStepsIn = $<HTMLInputElement>('trainSteps');
const levelIn = $<HTMLInputElement>('level');
const status = $<HTMLDivElement>('status');

const planePlot = new Plot($<HTMLCanvasElement>('plane'), { x0: -DATA_EXTENT, x1: DATA_EXTENT, y0: -DATA_EXTENT, y1: DATA_EXTENT });
const halfPlot = new Plot($<HTMLCanvasElement>('half'), { x0: -DATA_EXTENT, x1: DATA_EXTENT, y0: 0, y1: 4 });
const priorPlot = new Plot($<HTMLCanvasElement>('prior'), { x0: -1, x1: 5, y0: 0, y1: 1 });
const lossPlot = new Plot($<HTMLCanvasElement>('loss'), { x0: 0, x1: TRAIN_STEPS, y0: 0, y1: 1 });

dRange.value = String(D_VALUES.indexOf(DEFAULT_SETTINGS.D as (typeof D_VALUES)[number]));

function readSettings(): Settings {
  const D = D_VALUES[Number(dRange.value)] ?? 128;
  return {
    method: methodSel.value as Settings['method'],
    D,
    solver: solverSel.value as Settings['solver'],
    steps: Math.max(1, Math.round(Number(stepsIn.value) || 20)),
    samples: Math.max(1, Math.min(2000, Math.round(Number(samplesIn.value) || 200))),
    predictor: predictorSel.value as Settings['predictor'],
    seed: Math.round(Number(seedIn.value) || 0),
  };
}

/** The field level's range for a method: its time variable (z, σ or t), log-spaced. */
function levelRange(s: Settings): { name: string; lo: number; hi: number } {
  if (s.method === 'pfgm') return { name: 'z', lo: 0.01, hi: 40 };
  if (s.method === 'vp') return { name: 't', lo: 0.002, hi: 1 };
  return { name: 'σ', lo: 0.01, hi: 80 };
}

function fieldLevel(s: Settings): number {
  const r = levelRange(s);
  return r.lo * (r.hi / r.lo) ** (Number(levelIn.value) / 100);
}

/** The D control's label: PFGM++ with D = 1 is PFGM's geometry (r = z), D = ∞ is EDM. */
function dLabel(D: number): string {
  return D === Infinity ? '∞ (EDM)' : D === 1 ? '1 (PFGM-like)' : String(D);
}

function setStatus(text: string, error = false): void {
  status.textContent = text;
  status.className = error ? 'error' : '';
}

// ---------------------------------------------------------------- jobs (one at a time)

let queue: Promise<void> = Promise.resolve();

function job(name: string, fn: () => Promise<void>): Promise<void> {
  state.busy++;
  const p = queue.then(async () => {
    setStatus(`${name}…`);
    try {
      await fn();
      setStatus('');
    } catch (err) {
      const msg = `${name}: ${(err as Error).message}`;
      state.errors.push(msg);
      setStatus(msg, true);
      console.warn(msg);
    } finally {
      state.busy--;
      state.version++;
    }
  });
  queue = p;
  return p;
}

const frame = () => new Promise<void>((r) => setTimeout(r, 0));

// ---------------------------------------------------------------- drawing

function drawPlane(): void {
  const s = state.settings;
  const p = planePlot;
  const lr = levelRange(s);
  p.clear(`data plane · ${methodLabel(s)} · flow at ${lr.name} = ${fmt(state.fieldLevel)} · paths, landings (orange)`, 'x₁', 'x₂');
  p.clip(() => {
    if (plane != null) for (const a of plane.arrows) p.arrow(a.x, a.y, a.dx, a.dy, 14, '#c9c9c9');
    if (lastRun != null) {
      for (const path of lastRun.paths) {
        const n = path.length;
        for (let i = 1; i < n; i++) p.polyline([path[i - 1], path[i]], pathColor(i / (n - 1)), 1);
      }
    }
    for (const [x, y] of data.points) p.dot(x, y, 3.5, '#111');
    if (lastRun != null) for (const [x, y] of lastRun.samples) p.dot(x, y, 2.2, 'rgba(230, 110, 0, 0.85)');
  });
}

function drawHalf(): void {
  const p = halfPlot;
  const s = state.settings;
  const view = half;
  if (view == null) return;
  p.box = { x0: -DATA_EXTENT, x1: DATA_EXTENT, y0: 0, y1: view.tMax };
  p.clear(`(x, ${view.tName}) half-plane of a 1-D slice (charges: the points' x₁) · ${methodLabel(s)}`, 'x₁', view.tName);
  p.clip(() => {
    for (const a of view.arrows) p.arrow(a.x, a.y, a.dx, a.dy, 12, '#bbb');
    for (const l of view.lines) p.polyline(l, '#2f6fb5', 1.2);
    for (const [x] of data.points) p.dot(x, 0, 2.5, '#111');
  });
}

function drawPrior(): void {
  const p = priorPlot;
  const cur = law;
  const before = previousLaw;
  p.clear(`prior radial law: R = ‖x‖ of ${cur?.n ?? 0} draws of the method's prior`, 'log₁₀ R', '');
  if (cur == null) return;
  const bins = 48;
  const hist = (l: PriorLaw) => {
    const h = new Array<number>(bins).fill(0);
    for (const r of l.radii) {
      const u = (Math.log10(r) - p.box.x0) / (p.box.x1 - p.box.x0);
      const k = Math.min(bins - 1, Math.max(0, Math.floor(u * bins)));
      h[k]++;
    }
    return h.map((c) => c / l.n);
  };
  const heights = hist(cur);
  const prev = before != null && before.label !== cur.label ? hist(before) : null;
  p.box.y1 = Math.max(...heights, ...(prev ?? [0])) * 1.1 || 1;
  const w = (p.box.x1 - p.box.x0) / bins;
  p.clip(() => {
    const c = p.ctx;
    heights.forEach((v, k) => {
      const x = p.box.x0 + k * w;
      c.fillStyle = 'rgba(47, 111, 181, 0.55)';
      c.fillRect(p.px(x), p.py(v), p.px(x + w) - p.px(x) - 1, p.py(0) - p.py(v));
    });
    if (prev != null) p.polyline(prev.flatMap((v, k) => [[p.box.x0 + k * w, v], [p.box.x0 + (k + 1) * w, v]] as [number, number][]), '#999', 1);
    p.polyline([[Math.log10(cur.median), 0], [Math.log10(cur.median), p.box.y1]], '#b00', 1);
  });
  const c = p.ctx;
  c.fillStyle = '#333';
  c.textAlign = 'right';
  c.fillText(`${cur.label}: median ${fmt(cur.median)}, 10–90 % ${fmt(cur.q10)}–${fmt(cur.q90)}, 99 % ${fmt(cur.q99)}`, p.w - p.pad, p.pad + 12);
  if (prev != null && before != null) c.fillText(`grey: ${before.label} (median ${fmt(before.median)})`, p.w - p.pad, p.pad + 26);
}

function drawLoss(): void {
  const p = lossPlot;
  const t = state.training;
  p.box = { x0: 0, x1: Math.max(t?.steps ?? TRAIN_STEPS, 1), y0: 0, y1: 1 };
  if (t == null || t.losses.length === 0) {
    p.clear('training loss (train the MLP to see it)', 'step', 'loss');
    return;
  }
  const L = t.losses;
  const smooth = L.map((_, i) => {
    const a = L.slice(Math.max(0, i - 19), i + 1);
    return a.reduce((x, y) => x + y, 0) / a.length;
  });
  p.box.y1 = Math.max(...smooth.slice(0, 5), ...smooth) * 1.1;
  p.clear(`training loss of the MLP on ${t.backend} (${L.length}/${t.steps} steps; dark: mean of 20)`, 'step', 'loss');
  p.clip(() => {
    p.polyline(L.map((v, i) => [i + 1, v] as [number, number]), '#c7d7ea', 1);
    p.polyline(smooth.map((v, i) => [i + 1, v] as [number, number]), '#2f6fb5', 1.5);
  });
}

function drawNumbers(): void {
  const r = state.run;
  const rows: [string, string][] = [
    ['backend', state.backend + (state.backendNote != null ? ` (${state.backendNote})` : '')],
    ['data', `${data.name}, ${data.points.length} points`],
    ['method', methodLabel(state.settings)],
  ];
  if (r != null) {
    rows.push(
      ['predictor, solver', `${r.predictor === 'oracle' ? 'exact-field oracle' : 'trained MLP'}, ${r.solver}`],
      ['NFE', String(r.nfe)],
      ['sliced W2 to the data', fmt(r.sw2)],
      [`landed within ${r.radius}`, `${(100 * r.landedShare).toFixed(1)} % of ${r.n}`],
      ['within 1e-2 (Theorem 1)', `${r.within1e2} / ${r.n}`],
      ['largest distance to a point', fmt(r.maxDistance)],
      ['time', `${(r.ms / 1000).toFixed(2)} s`],
    );
  }
  const t = state.training;
  if (t != null) rows.push(['training', `${t.losses.length} steps${t.done ? `, ${(t.ms / 1000).toFixed(1)} s` : ''}, last loss ${fmt(t.losses.at(-1) ?? NaN)}`]);
  // Timings vary from run to run: the README's screenshot hides them (class "timing").
  const timing = new Set(['time', 'training']);
  $<HTMLTableElement>('numbers').innerHTML = rows
    .map(([k, v]) => `<tr${timing.has(k) ? ' class="timing"' : ''}><td>${k}</td><td class="v">${v}</td></tr>`)
    .join('');
}

function drawAll(): void {
  drawPlane();
  drawHalf();
  drawPrior();
  drawLoss();
  drawNumbers();
}

// ---------------------------------------------------------------- computations

function syncData(): void {
  state.data = { name: data.name, n: data.points.length, points: data.points.map((p) => [p[0], p[1]]) };
}

async function computeFields(): Promise<void> {
  const s = state.settings;
  state.fieldLevel = fieldLevel(s);
  $('levelName').textContent = levelRange(s).name;
  $('levelLabel').textContent = fmt(state.fieldLevel);
  if (data.points.length === 0) {
    plane = null;
    half = null;
    return;
  }
  plane = planeField(s, data, net, state.fieldLevel, DATA_EXTENT);
  half = await halfPlaneField(s, data, DATA_EXTENT);
}

async function computePrior(): Promise<void> {
  const next = priorLaw(state.settings);
  if (law != null && law.label !== next.label) previousLaw = law;
  law = next;
  const { radii: _radii, ...numbers } = law;
  state.prior = numbers;
}

async function computeSamples(): Promise<void> {
  if (data.points.length === 0) {
    lastRun = null;
    state.run = null;
    return;
  }
  if (state.settings.predictor === 'net' && net == null) throw new Error('no trained network yet: press "train, then sample"');
  lastRun = await runSampling(state.settings, data, state.settings.predictor === 'net' ? net : null);
  const { paths: _p, samples: _s, ...numbers } = lastRun;
  state.run = numbers;
}

/** Recompute after a change: `what` says which parts depend on it. */
function update(what: { prior?: boolean; fields?: boolean; samples?: boolean }): Promise<void> {
  return job('computing', async () => {
    state.settings = readSettings();
    $('Dlabel').textContent = dLabel(state.settings.D);
    dRange.disabled = state.settings.method !== 'pfgmpp';
    syncData();
    if (what.prior) await computePrior();
    drawPrior();
    if (what.fields) await computeFields();
    drawPlane();
    drawHalf();
    await frame();
    if (what.samples) await computeSamples();
    drawAll();
  });
}

async function train(): Promise<void> {
  await job('training', async () => {
    const backend = await useBackend(backendSel.value as BackendName);
    state.backend = backend.name;
    state.backendNote = backend.note;
    state.settings = readSettings();
    if (data.points.length === 0) throw new Error('no data points to train on');
    net?.dispose();
    net = null;
    const steps = Math.max(1, Math.round(Number(trainStepsIn.value) || TRAIN_STEPS));
    const t = makeTrainer(state.settings, data, steps);
    state.training = { steps, losses: t.trainer.losses, done: false, backend: backend.name, ms: 0 };
    const t0 = performance.now();
    try {
      for (let i = 0; i < steps; i++) {
        t.step();
        if (i % 10 === 9) {
          drawLoss();
          await frame();
        }
      }
    } finally {
      t.dispose();
    }
    net = t.trainer.net;
    state.training.done = true;
    state.training.ms = performance.now() - t0;
    drawLoss();
  });
  predictorSel.value = 'net';
  await update({ fields: true, samples: true });
}

// ---------------------------------------------------------------- events

function newToy(): void {
  if (toySel.value === 'custom') {
    data = { name: 'custom', points: [...data.points] };
  } else {
    const n = Math.max(1, Math.min(512, Math.round(Number(nPoints.value) || 64)));
    data = toyPoints(toySel.value as Toy2dName, n);
  }
  void update({ fields: true, samples: true });
}

toySel.addEventListener('change', newToy);
nPoints.addEventListener('change', newToy);
$('clear').addEventListener('click', () => {
  toySel.value = 'custom';
  data = { name: 'custom', points: [] };
  void update({ fields: true, samples: true });
});
methodSel.addEventListener('change', () => void update({ prior: true, fields: true, samples: true }));
dRange.addEventListener('input', () => {
  $('Dlabel').textContent = dLabel(D_VALUES[Number(dRange.value)] ?? 128);
});
dRange.addEventListener('change', () => void update({ prior: true, fields: true, samples: true }));
predictorSel.addEventListener('change', () => void update({ fields: true, samples: true }));
for (const el of [solverSel, stepsIn, samplesIn]) el.addEventListener('change', () => void update({ samples: true }));
seedIn.addEventListener('change', () => void update({ prior: true, samples: true }));
$('run').addEventListener('click', () => void update({ samples: true }));
levelIn.addEventListener('change', () => void update({ fields: true }));
levelIn.addEventListener('input', () => {
  $('levelLabel').textContent = fmt(fieldLevel(state.settings));
});
backendSel.addEventListener('change', () =>
  void job('backend', async () => {
    const b = await useBackend(backendSel.value as BackendName);
    state.backend = b.name;
    state.backendNote = b.note;
    drawNumbers();
  }),
);
$('train').addEventListener('click', () => void train());

// Editing points on the data plane: click adds, drag moves, double-click removes.
const planeCanvas = $<HTMLCanvasElement>('plane');
let dragging: number | null = null;
function nearest(ev: MouseEvent): { k: number; px: number } {
  const rect = planeCanvas.getBoundingClientRect();
  const [mx, my] = [ev.clientX - rect.left, ev.clientY - rect.top];
  let k = -1;
  let best = Infinity;
  data.points.forEach(([x, y], i) => {
    const d = Math.hypot(planePlot.px(x) - mx, planePlot.py(y) - my);
    if (d < best) [best, k] = [d, i];
  });
  return { k, px: best };
}
function toData(ev: MouseEvent): [number, number] {
  const rect = planeCanvas.getBoundingClientRect();
  return planePlot.data(ev.clientX - rect.left, ev.clientY - rect.top);
}
planeCanvas.addEventListener('mousedown', (ev) => {
  const n = nearest(ev);
  if (n.k >= 0 && n.px < 8) {
    dragging = n.k;
    return;
  }
  const [x, y] = toData(ev);
  if (Math.abs(x) > DATA_EXTENT || Math.abs(y) > DATA_EXTENT) return;
  data = { name: 'custom', points: [...data.points, [x, y]] };
  toySel.value = 'custom';
  void update({ fields: true, samples: true });
});
planeCanvas.addEventListener('mousemove', (ev) => {
  if (dragging == null) return;
  const pts = [...data.points];
  pts[dragging] = toData(ev);
  data = { name: 'custom', points: pts };
  drawPlane();
});
planeCanvas.addEventListener('mouseup', () => {
  if (dragging == null) return;
  dragging = null;
  toySel.value = 'custom';
  void update({ fields: true, samples: true });
});
planeCanvas.addEventListener('dblclick', (ev) => {
  const n = nearest(ev);
  if (n.k < 0 || n.px > 8) return;
  data = { name: 'custom', points: data.points.filter((_, i) => i !== n.k) };
  toySel.value = 'custom';
  void update({ fields: true, samples: true });
});

// ---------------------------------------------------------------- start

void (async () => {
  await job('starting the tfjs backend', async () => {
    const b = await useBackend('wasm');
    state.backend = b.name;
    state.backendNote = b.note;
    backendSel.value = b.name;
  });
  await update({ prior: true, fields: true, samples: true });
  state.ready = true;
  state.version++;
})();

// Canvas drawing: a linear map from data coordinates to pixels, and a few primitives. No numerics here.

export interface Box {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

export class Plot {
  readonly ctx: CanvasRenderingContext2D;
  readonly w: number;
  readonly h: number;
  readonly pad = 28;

  constructor(readonly canvas: HTMLCanvasElement, public box: Box) {
    const ctx = canvas.getContext('2d');
    if (ctx == null) throw new Error('no 2-D canvas context');
    this.ctx = ctx;
    this.w = canvas.width;
    this.h = canvas.height;
  }

  px(x: number): number {
    return this.pad + ((x - this.box.x0) / (this.box.x1 - this.box.x0)) * (this.w - 2 * this.pad);
  }

  py(y: number): number {
    return this.h - this.pad - ((y - this.box.y0) / (this.box.y1 - this.box.y0)) * (this.h - 2 * this.pad);
  }

  /** Data coordinates of a pixel. */
  data(px: number, py: number): [number, number] {
    const x = this.box.x0 + ((px - this.pad) / (this.w - 2 * this.pad)) * (this.box.x1 - this.box.x0);
    const y = this.box.y0 + ((this.h - this.pad - py) / (this.h - 2 * this.pad)) * (this.box.y1 - this.box.y0);
    return [x, y];
  }

  clear(title: string, xLabel: string, yLabel: string): void {
    const c = this.ctx;
    c.fillStyle = '#fff';
    c.fillRect(0, 0, this.w, this.h);
    c.strokeStyle = '#bbb';
    c.lineWidth = 1;
    c.strokeRect(this.pad, this.pad, this.w - 2 * this.pad, this.h - 2 * this.pad);
    c.fillStyle = '#222';
    c.font = '12px system-ui, sans-serif';
    c.textAlign = 'left';
    c.fillText(title, this.pad, 16);
    c.fillStyle = '#666';
    c.font = '11px system-ui, sans-serif';
    c.textAlign = 'right';
    c.fillText(xLabel, this.w - this.pad, this.h - 8);
    c.textAlign = 'left';
    c.fillText(yLabel, 4, this.pad - 4);
    c.fillText(fmt(this.box.x0), this.pad, this.h - 8);
    if (yLabel !== '') {
      c.textAlign = 'right';
      c.fillText(fmt(this.box.y1), this.pad - 2, this.pad + 10);
      c.fillText(fmt(this.box.y0), this.pad - 2, this.h - this.pad);
    }
  }

  clip<T>(fn: () => T): T {
    const c = this.ctx;
    c.save();
    c.beginPath();
    c.rect(this.pad, this.pad, this.w - 2 * this.pad, this.h - 2 * this.pad);
    c.clip();
    try {
      return fn();
    } finally {
      c.restore();
    }
  }

  dot(x: number, y: number, r: number, fill: string, stroke?: string): void {
    const c = this.ctx;
    c.beginPath();
    c.arc(this.px(x), this.py(y), r, 0, 2 * Math.PI);
    c.fillStyle = fill;
    c.fill();
    if (stroke != null) {
      c.strokeStyle = stroke;
      c.lineWidth = 1;
      c.stroke();
    }
  }

  /** An arrow from (x, y) along the unit direction (dx, dy), `len` pixels long. */
  arrow(x: number, y: number, dx: number, dy: number, len: number, color: string): void {
    const c = this.ctx;
    const sx = (this.w - 2 * this.pad) / (this.box.x1 - this.box.x0);
    const sy = (this.h - 2 * this.pad) / (this.box.y1 - this.box.y0);
    let ux = dx * sx;
    let uy = -dy * sy;
    const n = Math.hypot(ux, uy);
    if (!(n > 0)) return;
    ux /= n;
    uy /= n;
    const x0 = this.px(x) - (ux * len) / 2;
    const y0 = this.py(y) - (uy * len) / 2;
    const x1 = x0 + ux * len;
    const y1 = y0 + uy * len;
    c.strokeStyle = color;
    c.fillStyle = color;
    c.lineWidth = 1;
    c.beginPath();
    c.moveTo(x0, y0);
    c.lineTo(x1, y1);
    c.stroke();
    c.beginPath();
    c.moveTo(x1, y1);
    c.lineTo(x1 - ux * 4 - uy * 2.5, y1 - uy * 4 + ux * 2.5);
    c.lineTo(x1 - ux * 4 + uy * 2.5, y1 - uy * 4 - ux * 2.5);
    c.closePath();
    c.fill();
  }

  polyline(pts: readonly (readonly [number, number])[], color: string, width = 1): void {
    const c = this.ctx;
    c.strokeStyle = color;
    c.lineWidth = width;
    c.beginPath();
    let started = false;
    for (const [x, y] of pts) {
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      // Far points (prior radii reach thousands) are clamped so that the visible part of the line is drawn.
      const X = Math.max(-1e4, Math.min(1e4, this.px(x)));
      const Y = Math.max(-1e4, Math.min(1e4, this.py(y)));
      if (started) c.lineTo(X, Y);
      else c.moveTo(X, Y);
      started = true;
    }
    c.stroke();
  }
}

export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e4 || a < 1e-3)) return v.toExponential(2);
  return Number(v.toPrecision(3)).toString();
}

/** Colour along a trajectory: from light (prior) to dark (data), u ∈ [0, 1]. */
export function pathColor(u: number): string {
  const l = Math.round(80 - 45 * u);
  return `hsl(215, 70%, ${l}%)`;
}

/**
 * The rules of a PDF page (table borders: horizontal ones bound rows, vertical ones columns), from the paths it paints: stroked lines, thin
 * filled rectangles as some writers print them, or rectangle outlines. One collector serves both
 * readers of a page's drawing (its content stream, and pdfjs's operator list as the fallback), so a
 * border counts the same whichever read it.
 */

/** A horizontal stretch of a drawn line or a rectangle's edge, in page coordinates. */
export interface Rule {
  y: number;
  x1: number;
  x2: number;
}

/** A vertical stretch of a drawn line or a rectangle's edge: a column border. */
export interface VRule {
  x: number;
  y1: number;
  y2: number;
}

/** A page's table borders: horizontal rules (rows) and vertical ones (columns). */
export interface Ruling {
  rules: Rule[];
  verticals: VRule[];
}

/** A PDF transformation matrix [a b c d e f]. */
export type Matrix = [number, number, number, number, number, number];

export const IDENTITY: Matrix = [1, 0, 0, 1, 0, 0];

/** `m` applied before `ctm`: the new current transform after `m … cm` (PDF 32000 §8.3.4). */
export function concat(m: Matrix, ctm: Matrix): Matrix {
  const [a, b, c, d, e, f] = m;
  return [a * ctm[0] + b * ctm[2], a * ctm[1] + b * ctm[3], c * ctm[0] + d * ctm[2], c * ctm[1] + d * ctm[3], e * ctm[0] + f * ctm[2] + ctm[4], e * ctm[1] + f * ctm[3] + ctm[5]];
}

/**
 * Builds the current path point by point (in user space, mapped through the transform in force)
 * and, when the path is painted, keeps its horizontal and vertical edges longer than 3 points. Curves only move
 * the pen: a row border only needs its height and horizontal extent.
 */
export class RuleCollector {
  readonly rules: Rule[] = [];
  readonly verticals: VRule[] = [];
  #edges: Rule[] = [];
  #vedges: VRule[] = [];
  #startX = NaN;
  #startY = NaN;
  #x = NaN;
  #y = NaN;

  moveTo(ctm: Matrix, x: number, y: number): void {
    this.#x = this.#startX = ctm[0] * x + ctm[2] * y + ctm[4];
    this.#y = this.#startY = ctm[1] * x + ctm[3] * y + ctm[5];
  }

  lineTo(ctm: Matrix, x: number, y: number): void {
    const px = ctm[0] * x + ctm[2] * y + ctm[4];
    const py = ctm[1] * x + ctm[3] * y + ctm[5];
    this.#edge(this.#x, this.#y, px, py);
    this.#x = px;
    this.#y = py;
  }

  /** A curve's end point: the pen moves there, no edge is kept. */
  curveTo(ctm: Matrix, x: number, y: number): void {
    this.#x = ctm[0] * x + ctm[2] * y + ctm[4];
    this.#y = ctm[1] * x + ctm[3] * y + ctm[5];
  }

  closePath(): void {
    this.#edge(this.#x, this.#y, this.#startX, this.#startY);
    this.#x = this.#startX;
    this.#y = this.#startY;
  }

  /** `x y w h re`: a closed subpath of four sides. */
  rect(ctm: Matrix, x: number, y: number, w: number, h: number): void {
    this.moveTo(ctm, x, y);
    this.lineTo(ctm, x + w, y);
    this.lineTo(ctm, x + w, y + h);
    this.lineTo(ctm, x, y + h);
    this.closePath();
  }

  /** The path is stroked or filled: its edges are drawn. */
  paint(): void {
    for (const e of this.#edges) this.rules.push(e);
    for (const e of this.#vedges) this.verticals.push(e);
    this.#edges = [];
    this.#vedges = [];
  }

  /** The path ends unpainted (a clipping path, `n`): nothing was drawn. */
  discard(): void {
    this.#edges = [];
    this.#vedges = [];
  }

  #edge(x1: number, y1: number, x2: number, y2: number): void {
    if (Number.isNaN(x1) || Number.isNaN(x2)) return;
    if (Math.abs(y1 - y2) < 0.5 && Math.abs(x1 - x2) > 3) this.#edges.push({ y: (y1 + y2) / 2, x1: Math.min(x1, x2), x2: Math.max(x1, x2) });
    else if (Math.abs(x1 - x2) < 0.5 && Math.abs(y1 - y2) > 3) this.#vedges.push({ x: (x1 + x2) / 2, y1: Math.min(y1, y2), y2: Math.max(y1, y2) });
  }
}

/** A canvas to draw an item on: white strokes on black, like Fashion-MNIST; calls back after each stroke. */
export class DrawPad {
  private drawing = false;
  private last: [number, number] | null = null;
  private readonly ctx: CanvasRenderingContext2D;

  constructor(readonly canvas: HTMLCanvasElement, private readonly onStroke: () => void) {
    this.ctx = canvas.getContext('2d')!;
    this.clear();
    canvas.addEventListener('pointerdown', (e) => {
      this.drawing = true;
      canvas.setPointerCapture(e.pointerId);
      this.last = this.point(e);
      this.line(this.last, this.last);
    });
    canvas.addEventListener('pointermove', (e) => {
      if (!this.drawing) return;
      const p = this.point(e);
      this.line(this.last ?? p, p);
      this.last = p;
    });
    const end = () => {
      if (!this.drawing) return;
      this.drawing = false;
      this.last = null;
      this.onStroke();
    };
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
  }

  clear(): void {
    this.ctx.fillStyle = '#000';
    this.ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
  }

  /** Shows a picture (e.g. a dropped file), fitted and centred, in place of the drawing. */
  show(image: ImageBitmap): void {
    this.clear();
    const k = Math.min(this.canvas.width / image.width, this.canvas.height / image.height);
    const w = image.width * k;
    const h = image.height * k;
    this.ctx.imageSmoothingEnabled = false;
    this.ctx.drawImage(image, (this.canvas.width - w) / 2, (this.canvas.height - h) / 2, w, h);
  }

  /** The drawing as a picture for the worker. */
  snapshot(): Promise<ImageBitmap> {
    return createImageBitmap(this.canvas);
  }

  private point(e: PointerEvent): [number, number] {
    const r = this.canvas.getBoundingClientRect();
    return [((e.clientX - r.left) / r.width) * this.canvas.width, ((e.clientY - r.top) / r.height) * this.canvas.height];
  }

  private line(a: [number, number], b: [number, number]): void {
    const c = this.ctx;
    c.strokeStyle = '#fff';
    c.lineWidth = this.canvas.width / 12;
    c.lineCap = 'round';
    c.lineJoin = 'round';
    c.beginPath();
    c.moveTo(a[0], a[1]);
    c.lineTo(b[0], b[1]);
    c.stroke();
  }
}

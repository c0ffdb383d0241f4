/**
 * Collects items and hands them over once per animation frame, so however fast they arrive the window
 * changes the DOM at most once a frame. Hidden tabs get no frames: a timer stands in for them.
 */
export class FrameQueue<T> {
  private items: T[] = [];
  private frame: number | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly flush: (items: T[]) => void) {}

  push(item: T): void {
    this.items.push(item);
    if (this.frame !== null || this.timer !== null) return;
    this.frame = requestAnimationFrame(() => this.run());
    // rAF does not run in a background tab; keep the state current anyway (the DOM is not painted there).
    this.timer = setTimeout(() => this.run(), 250);
  }

  private run(): void {
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    if (this.timer !== null) clearTimeout(this.timer);
    this.frame = null;
    this.timer = null;
    const items = this.items;
    this.items = [];
    if (items.length > 0) this.flush(items);
  }

  dispose(): void {
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    if (this.timer !== null) clearTimeout(this.timer);
    this.frame = null;
    this.timer = null;
    this.items = [];
  }
}

/**
 * Operations on one release run one after another, in arrival order; across
 * releases at most `concurrency` run at once. The counters let tests and the
 * benchmark check the bound.
 */
export class ReleaseQueue {
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly waiting: (() => void)[] = [];
  running = 0;
  maxRunning = 0;

  constructor(private readonly concurrency: number) {}

  private async acquire(): Promise<void> {
    if (this.running < this.concurrency) {
      this.running++;
    } else {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.maxRunning = Math.max(this.maxRunning, this.running);
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }

  run<T>(key: string, op: () => Promise<T>): Promise<T> {
    const bounded = async () => {
      await this.acquire();
      try {
        return await op();
      } finally {
        this.release();
      }
    };
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(bounded, bounded);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }
}

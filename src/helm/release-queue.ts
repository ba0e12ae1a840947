/**
 * Operations on one release run one after another, in arrival order; across
 * releases at most `concurrency` run at once. The counters let tests and the
 * benchmark check the bound.
 */
import { SerialByKey } from '../serial-by-key.js';

export class ReleaseQueue {
  private readonly serial = new SerialByKey();
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
    return this.serial.run(key, async () => {
      await this.acquire();
      try {
        return await op();
      } finally {
        this.release();
      }
    });
  }
}

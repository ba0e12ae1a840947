/**
 * Runs operations that share a key one after another, in arrival order;
 * different keys run in parallel. A failed operation does not stop the next.
 * Used per cluster by the driver (secrets then helm, never interleaved with a
 * delete) and per release by the helm queue.
 */
export class SerialByKey {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, op: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(op, op);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }

  /** Keys with an operation running or waiting. */
  get busy(): number {
    return this.tails.size;
  }
}

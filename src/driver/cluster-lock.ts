/**
 * Runs operations on one cluster one after another, in arrival order, so a
 * delete never interleaves with the secrets-then-helm steps of an update.
 * Different clusters run in parallel (helm bounds the total).
 */
export class ClusterLock {
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

  get busy(): number {
    return this.tails.size;
  }
}

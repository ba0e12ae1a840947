/** The queue's guarantees, checked by counts and order, never by time. */
import { describe, expect, it } from 'vitest';
import { ReleaseQueue } from '../../../src/helm/release-queue.js';

function gate() {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

describe('ReleaseQueue', () => {
  it('runs operations on one release one after another, in order', async () => {
    const queue = new ReleaseQueue(4);
    const order: string[] = [];
    const g = gate();
    const a = queue.run('r', async () => {
      order.push('a start');
      await g.promise;
      order.push('a end');
    });
    const b = queue.run('r', async () => {
      order.push('b');
    });
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(['a start']);
    g.open();
    await Promise.all([a, b]);
    expect(order).toEqual(['a start', 'a end', 'b']);
  });

  it('a failed operation does not block the next one on that release', async () => {
    const queue = new ReleaseQueue(2);
    await expect(queue.run('r', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(queue.run('r', async () => 'ok')).resolves.toBe('ok');
  });

  it('never runs more than its bound across releases, and does run that many', async () => {
    const queue = new ReleaseQueue(3);
    const g = gate();
    const runs = Array.from({ length: 10 }, (_, i) => queue.run(`r${i}`, () => g.promise));
    await new Promise((r) => setImmediate(r));
    expect(queue.running).toBe(3);
    g.open();
    await Promise.all(runs);
    expect(queue.maxRunning).toBe(3);
    expect(queue.running).toBe(0);
  });
});

// Coalesces concurrent lookups into one query: keys asked for while a lookup is in flight are
// fetched together by the next one. Every caller still gets an answer read after it asked (no
// caching), so a change such as a revoked API key counts from the very next request.
export type LoadMany<K, V> = (keys: K[]) => Promise<Map<K, V>>;

export function createLoader<K, V>(loadMany: LoadMany<K, V>, maxInFlight = 2): (key: K) => Promise<V | undefined> {
  let waiting = new Map<K, Array<{ done: (v: V | undefined) => void; fail: (e: unknown) => void }>>();
  let inFlight = 0;
  const kick = () => {
    if (inFlight >= maxInFlight || waiting.size === 0) return;
    const batch = waiting;
    waiting = new Map();
    inFlight++;
    loadMany([...batch.keys()]).then(
      (found) => batch.forEach((ws, k) => ws.forEach((w) => w.done(found.get(k)))),
      (err) => batch.forEach((ws) => ws.forEach((w) => w.fail(err))),
    ).finally(() => {
      inFlight--;
      kick();
    });
  };
  return (key) =>
    new Promise((done, fail) => {
      const list = waiting.get(key) ?? [];
      list.push({ done, fail });
      waiting.set(key, list);
      kick();
    });
}

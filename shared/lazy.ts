/**
 * The one way a process-wide value is built: on first use, then reused. A build that throws, or a
 * promise it returns that rejects, is forgotten, so the next caller tries again (a database that was
 * down at the first request must not stay "down" for the life of the process).
 */
export function lazy<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => {
    if (built) return built.value;
    const value = build();
    built = { value };
    if (value instanceof Promise) {
      value.catch(() => {
        if (built?.value === value) built = undefined;
      });
    }
    return value;
  };
}

/** `lazy` per key: one value per name (e.g. one client per queue), built on first use of that name. */
export function lazyBy<K, T>(build: (key: K) => T): (key: K) => T {
  const built = new Map<K, () => T>();
  return (key) => {
    let get = built.get(key);
    if (!get) {
      get = lazy(() => build(key));
      built.set(key, get);
    }
    return get();
  };
}

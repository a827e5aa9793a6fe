/**
 * Runs at most `size` tasks at once; the rest wait their turn, first come first served. Each
 * picture being processed holds a decoded image, and sharp's work shares libuv's thread pool
 * with password hashing: a burst of uploads must not take every thread or the memory.
 */
export function createLimiter(size: number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async function run<T>(task: () => Promise<T>): Promise<T> {
    if (running >= size) await new Promise<void>((resolve) => waiting.push(resolve));
    else running++;
    try {
      return await task();
    } finally {
      // The slot passes straight to the next in line, or is given back.
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}

/**
 * Wraps a subscription iterator so that `cleanup` runs once when the client
 * completes or disconnects (graphql-ws calls return()), releasing whatever the
 * subscription registered.
 */
export function onClose<T>(iterator: AsyncIterator<T>, cleanup: () => void): AsyncIterableIterator<T> {
  let cleaned = false;
  const release = () => {
    if (!cleaned) {
      cleaned = true;
      cleanup();
    }
  };
  return {
    next: () => iterator.next(),
    return: async (value?: T) => {
      release();
      return iterator.return ? iterator.return(value) : { done: true, value: value as T };
    },
    throw: async (error?: unknown) => {
      release();
      if (iterator.throw) return iterator.throw(error);
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

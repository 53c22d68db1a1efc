import DataLoader from 'dataloader';

/**
 * Group commit: the calls of one turn of the event loop (up to 100) are written together by one
 * `write` (one round trip for all), then `written`, if given, runs once for the batch (one enqueue for all).
 * If the batch's write fails, each item is written on its own, so only an item the database
 * refuses fails its caller. A lone call is not delayed: the batch goes at the end of the turn.
 * dataloader does the batching, with its cache off and setImmediate as its schedule.
 */
export function groupCommit<In, Out>(
  write: (batch: readonly In[]) => Promise<Out[]>,
  written?: (results: readonly Out[]) => Promise<void>,
): (item: In) => Promise<Out> {
  const loader = new DataLoader<In, Out>(
    async (batch) => {
      let results: Array<Out | Error>;
      try {
        results = await write(batch);
      } catch (err) {
        if (batch.length === 1) throw err;
        results = await Promise.all(
          batch.map((item) =>
            write([item]).then(
              ([one]) => one as Out,
              (error: Error) => error,
            ),
          ),
        );
      }
      const done = results.filter((result): result is Out => !(result instanceof Error));
      if (written && done.length > 0) await written(done);
      return results;
    },
    { cache: false, maxBatchSize: 100, batchScheduleFn: (flush) => setImmediate(flush) },
  );
  return (item) => loader.load(item);
}

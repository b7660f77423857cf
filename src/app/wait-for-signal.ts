/**
 * Resolves on the first SIGINT/SIGTERM. Run through npm or tsx, one Ctrl-C reaches the process twice
 * (from the terminal and forwarded by the parent), so signals in the next two seconds are the same
 * request; a later one means the operator insists, and the process exits at once — safely, since
 * unsent messages stay in the outbox.
 */
export function waitForSignal(onForce: () => void): Promise<void> {
  return new Promise((resolve) => {
    let first = 0;
    const onSignal = () => {
      const now = Date.now();
      if (!first) {
        first = now;
        resolve();
      } else if (now - first > 2_000) {
        onForce();
        process.exit(130);
      }
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

// Work the Slack app finishes after it has answered (a test delivery, an alert, a button's
// update): tracked so that stopping the service waits for it instead of cutting it off.
export class Tasks {
  private running = new Set<Promise<unknown>>();

  add(p: Promise<unknown>): void {
    const tracked = p.catch(() => {}).finally(() => this.running.delete(tracked));
    this.running.add(tracked);
  }

  /** Waits for the running work, at most `graceMs` (a hung Slack API must not block a shutdown). */
  async drain(graceMs = 10_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([Promise.all([...this.running]), timeout]);
    clearTimeout(timer);
  }
}

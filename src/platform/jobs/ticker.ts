/** A task the ticker runs now and then. */
export interface TickTask {
  name: string;
  everyMs: number;
  run(now: Date): Promise<unknown>;
}

/** Runs periodic tasks inside the server process; each task must be safe to run in two processes at once. */
export class Ticker {
  private timers: NodeJS.Timeout[] = [];
  private running = new Set<Promise<unknown>>();

  constructor(
    private readonly tasks: TickTask[],
    private readonly onError: (task: string, err: unknown) => void,
  ) {}

  /** Starts every task on its interval. */
  start(): void {
    for (const task of this.tasks) {
      const tick = () => {
        const p = task
          .run(new Date())
          .catch((err) => this.onError(task.name, err))
          .finally(() => this.running.delete(p));
        this.running.add(p);
      };
      const t = setInterval(tick, task.everyMs);
      t.unref();
      this.timers.push(t);
    }
  }

  /** Stops the intervals and waits for runs in progress. */
  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await Promise.all(this.running);
  }
}

import crypto from 'node:crypto';
import type { Db } from '../../platform/db/client.js';
import { enqueue, type JobRegistry } from '../../platform/jobs/scheduler.js';

/** The kind of job that works off one send: its batches, under the worker's lease (see sender.ts). */
export const SEND_JOB = 'mailing.send';

/** Puts a send's job in the queue, due at `runAt` (a new send, or one resumed): the send starts when its job runs. */
export async function enqueueSend(tx: Db, sendId: number, runAt: Date): Promise<void> {
  await enqueue(tx, { kind: SEND_JOB, key: `${SEND_JOB}:${sendId}:${crypto.randomUUID()}`, runAt, payload: { sendId } });
}

/**
 * Mailing's background work: one job per send, queued when the send is created or resumed and due at its scheduled
 * time, worked in batches by the send worker. Without a worker (no sending in this process) nothing is registered.
 */
export function registerMailingJobs(jobs: JobRegistry, deps: { sender?: { register(jobs: JobRegistry): void } }): void {
  deps.sender?.register(jobs);
}

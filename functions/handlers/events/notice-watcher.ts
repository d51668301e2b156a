/**
 * Every hour: what Doffin has done with the notices it took but had not published (the index of
 * notices awaiting publication, functions/services/store/notices.ts). Each publication (or a late
 * rejection) is recorded and audited as the hourly check's, so that officers and auditors read it
 * without anyone asking. Doffin unavailable: the run stops and the next hour asks again; a notice
 * Doffin answers about oddly is logged and left for the next hour, not the others.
 */
import { DoffinError, DoffinUnavailable } from '../../adapters/doffin.ts';
import { withObservability } from '../../adapters/observability.ts';
import type { SystemActor } from '../../domain/actors.ts';
import { recordDoffinStatus } from '../../services/notice-publication.ts';
import { listAwaitingNotices } from '../../services/store/notices.ts';
import { log } from '../../shared/log.ts';

const watcher: SystemActor = { sub: 'system', name: 'notice publication check', role: 'system' };

/** Notices asked about in one run, oldest submission first; the rest wait for the next hour. */
export const NOTICES_PER_RUN = 200;

export interface WatchRun {
  asked: number;
  changed: { noticeId: string; tenderId: string; status: string; publicationId?: string }[];
  failed: number;
  /** Notices still awaiting publication after the run: the local clock runs the check again the next hour. */
  more: boolean;
}

export const checkAwaitingNotices = async (): Promise<WatchRun> => {
  const awaiting = await listAwaitingNotices(NOTICES_PER_RUN);
  const run: WatchRun = { asked: 0, changed: [], failed: 0, more: false };
  for (const item of awaiting) {
    run.asked++;
    try {
      const stored = await recordDoffinStatus(item, watcher, 'Doffin said so at the hourly check');
      const last = stored?.versions.at(-1);
      if (stored && last)
        run.changed.push({
          noticeId: stored.noticeId,
          tenderId: stored.tenderId,
          status: last.status,
          ...(last.publicationId ? { publicationId: last.publicationId } : {}),
        });
    } catch (error) {
      if (error instanceof DoffinUnavailable) {
        log.warn('Doffin is unavailable: the next hour asks again', { error });
        break;
      }
      if (!(error instanceof DoffinError)) throw error;
      run.failed++;
      log.error('Doffin refused a status question', { noticeId: item.noticeId, error });
    }
  }
  const settled = run.changed.filter((c) => c.status === 'published' || c.status === 'rejected').length;
  run.more = awaiting.length - settled > 0;
  if (run.changed.length || run.failed) log.info('notice publication check', { ...run });
  return run;
};

export const handler = withObservability(
  async (_event: unknown): Promise<WatchRun> => checkAwaitingNotices(),
);

import { createHash } from 'node:crypto';
import type { TierName } from './tiers';

/**
 * The ids of the engine's stored documents, all starting with their tier (which collection a
 * part page lives in is read back from its id):
 * - manifest `<tier>|<environment>|<metric>|<period start>`;
 * - part     `<manifest id>|<origin>`: `g<generation>` from a checkpoint, `r<digest>` from a rollup,
 *            `c<digest>` from a compaction, the digest naming the source parts, so a pass repeated
 *            after a crash writes the same ids and adds nothing twice;
 * - page     `<part id>#<page>`.
 */

export type PartOrigin = { checkpoint: number } | { rollupOf: string[] } | { compactionOf: string[] };

export const manifestId = (tier: TierName, environment: string, metric: string, periodStart: number): string =>
  `${tier}|${environment}|${metric}|${periodStart}`;

export function partId(tier: TierName, environment: string, metric: string, periodStart: number, origin: PartOrigin): string {
  const suffix = 'checkpoint' in origin ? `g${origin.checkpoint}` : 'rollupOf' in origin ? `r${digest(origin.rollupOf)}` : `c${digest(origin.compactionOf)}`;
  return `${manifestId(tier, environment, metric, periodStart)}|${suffix}`;
}

export const pageId = (partId: string, page: number): string => `${partId}#${page}`;

export const pageIds = (part: { id: string; pages: number }): string[] => Array.from({ length: part.pages }, (_, page) => pageId(part.id, page));

/** The tier of a manifest, part or page id. */
export const tierOfId = (id: string): TierName => id.slice(0, id.indexOf('|')) as TierName;

const digest = (ids: string[]) =>
  createHash('sha256')
    .update([...ids].sort().join('\n'))
    .digest('base64url')
    .slice(0, 16);

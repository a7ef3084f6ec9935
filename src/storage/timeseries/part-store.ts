import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { AppConfig } from '../../common/config/app-config';
import { PartDoc, TimeSeriesRepository } from '../repositories/time-series.repository';
import { decodePart, encodePart, pageOf, PartSeries } from './part-codec';
import { Manifest, PartCatalog, PartEntry } from './part-catalog';
import { manifestId, pageId, pageIds } from './part-id';
import { SeriesCatalog, SeriesEntry } from './series-catalog';
import { Tier } from './tiers';

/** A part is split into pages of about this size (a document may not exceed 16 MB). */
const PAGE_TARGET_BYTES = 2 * 1024 * 1024;

/** The series a read wants, and their ids as a set (built once per read, not once per part). */
export interface Selection {
  entries: readonly SeriesEntry[];
  ids: ReadonlySet<number>;
}

/** Calls `visit` for each selected series in the decoded pages, walking whichever is smaller: the page or the selection. */
export function visitSelected<T>(pages: readonly ReadonlyMap<number, T>[], selected: Selection, visit: (seriesId: number, value: T) => void): void {
  for (const page of pages) {
    if (selected.ids.size < page.size) {
      for (const id of selected.ids) {
        const value = page.get(id);
        if (value !== undefined) visit(id, value);
      }
    } else {
      for (const [id, value] of page) if (selected.ids.has(id)) visit(id, value);
    }
  }
}

/** How a query reads the payloads of one kind of part (raw chunks, rollup buckets), and what its result costs in the cache. */
export interface PartDecoder<T> {
  readonly name: string;
  decode(payload: Uint8Array): T;
  bytes(value: T): number;
}

export interface NewPart {
  id: string;
  generation: number;
  tier: Tier;
  environment: string;
  metric: string;
  periodStart: number;
  from: number;
  to: number;
  samples: number;
  series: PartSeries[];
  /** Store the pages as brotli streams (default true): false for the checkpoint's parts of the open hour, compacted within it. */
  compressed?: boolean;
}

/**
 * Parts and their manifests: writes a part's pages, keeps the catalog and the database's
 * manifests in step, and serves page reads through a byte-bounded cache (stored pages
 * never change: a compaction writes new ones under new ids).
 */
@Injectable()
export class PartStore {
  readonly catalog = new PartCatalog();
  private readonly pages: LRUCache<string, Buffer>;
  /** By decoder name and page id (a raw page is read as samples and as minute buckets): the page's series decoded. */
  private readonly decoded: LRUCache<string, ReadonlyMap<number, unknown>>;
  private readonly decoderNames = new Set<string>();

  constructor(
    config: AppConfig,
    private readonly repository: TimeSeriesRepository,
    private readonly series: SeriesCatalog,
  ) {
    this.decoded = new LRUCache({ maxSize: config.QUERY_CACHE_MB * 1024 * 1024 });
    this.pages = new LRUCache<string, Buffer>({ maxSize: config.PART_CACHE_MB * 1024 * 1024, sizeCalculation: (b) => Math.max(1, b.length) });
  }

  async loadCatalog(): Promise<void> {
    this.catalog.load(await this.repository.loadManifests());
  }

  /** Writes the parts' pages, then lists them in their manifests (readers never see a part before its pages). */
  async write(parts: NewPart[]): Promise<void> {
    const byManifest = new Map<string, { part: NewPart; entries: PartEntry[] }>();
    for (const part of parts) {
      const id = manifestId(part.tier.name, part.environment, part.metric, part.periodStart);
      const group = byManifest.get(id) ?? { part, entries: [] };
      group.entries.push(await this.writeDetached(part));
      byManifest.set(id, group);
    }
    await this.saveManifests(
      [...byManifest.values()].map(({ part, entries }) => this.catalog.withParts(part.tier, part.environment, part.metric, part.periodStart, entries)),
    );
  }

  /** Writes a part's pages without listing it: the caller puts it in a manifest. */
  async writeDetached(part: NewPart): Promise<PartEntry> {
    const docs: PartDoc[] = [];
    const entry = this.paginate(part, docs);
    await this.repository.insertParts(docs);
    return entry;
  }

  async saveManifests(manifests: Manifest[]): Promise<void> {
    await this.repository.saveManifests(manifests);
    for (const manifest of manifests) this.catalog.set(manifest);
  }

  async deleteManifest(manifest: Manifest): Promise<void> {
    await this.repository.deleteManifests([manifest.id]);
    this.catalog.delete(manifest.id);
    await this.deleteParts(manifest.parts);
  }

  async deleteParts(parts: PartEntry[]): Promise<void> {
    const ids = parts.flatMap(pageIds);
    await this.repository.deleteParts(ids);
    for (const id of ids) {
      this.pages.delete(id);
      for (const name of this.decoderNames) this.decoded.delete(`${name}|${id}`);
    }
  }

  /**
   * The pages of `part` that hold the `selected` series, decoded by `decoder` (one per tier kind):
   * each page is decoded whole once and kept in the query cache. `visitSelected` walks them.
   */
  async readDecoded<T>(part: PartEntry, selected: Selection, decoder: PartDecoder<T>): Promise<ReadonlyMap<number, T>[]> {
    const pages =
      part.pages === 1 ? [pageId(part.id, 0)] : [...new Set(selected.entries.map((s) => pageOf(s.agentId, part.pages)))].map((page) => pageId(part.id, page));
    return Promise.all(pages.map((id) => this.decodedPage(id, decoder)));
  }

  private async decodedPage<T>(id: string, decoder: PartDecoder<T>): Promise<ReadonlyMap<number, T>> {
    const key = `${decoder.name}|${id}`;
    const cached = this.decoded.get(key);
    if (cached !== undefined) return cached as ReadonlyMap<number, T>;
    const blob = await this.repository.findPart(id);
    const page = new Map<number, T>();
    let bytes = 0;
    for (const s of blob === undefined ? [] : decodePart(blob)) {
      const value = decoder.decode(s.payload);
      page.set(s.seriesId, value);
      bytes += decoder.bytes(value);
    }
    this.decoderNames.add(decoder.name);
    this.decoded.set(key, page, { size: Math.max(1, bytes) });
    return page;
  }

  /** The series of `part` (only `selected` when given), reading only the pages that hold them. */
  async read(part: PartEntry, selected?: readonly SeriesEntry[]): Promise<PartSeries[]> {
    const pages = selected === undefined ? pageIds(part) : [...new Set(selected.map((s) => pageId(part.id, pageOf(s.agentId, part.pages))))];
    const ids = selected === undefined ? undefined : new Set(selected.map((s) => s.id));
    const blobs = await Promise.all(pages.map((id) => this.page(id)));
    return blobs.flatMap((blob) => (blob === undefined ? [] : decodePart(blob, ids)));
  }

  private async page(id: string): Promise<Buffer | undefined> {
    const cached = this.pages.get(id);
    if (cached !== undefined) return cached;
    const blob = await this.repository.findPart(id);
    if (blob !== undefined) this.pages.set(id, blob);
    return blob;
  }

  private paginate(part: NewPart, docs: PartDoc[]): PartEntry {
    const bytes = part.series.reduce((n, s) => n + s.payload.length, 0);
    const pages = Math.max(1, Math.ceil(bytes / PAGE_TARGET_BYTES));
    const byPage: PartSeries[][] = Array.from({ length: pages }, () => []);
    for (const s of part.series) byPage[pageOf(this.series.get(s.seriesId)!.agentId, pages)].push(s);
    byPage.forEach((series, page) =>
      docs.push({
        _id: pageId(part.id, page),
        environment: part.environment,
        metric: part.metric,
        tier: part.tier.name,
        from: new Date(part.from),
        to: new Date(part.to),
        data: encodePart(series, part.compressed ?? true),
      }),
    );
    return { id: part.id, generation: part.generation, from: part.from, to: part.to, pages, bytes, samples: part.samples, rolledUp: false };
  }
}

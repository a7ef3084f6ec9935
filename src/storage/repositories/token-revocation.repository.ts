import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { TokenRevocationDoc } from '../schemas/token-revocation.schema';

@Injectable()
export class TokenRevocationRepository {
  constructor(@InjectModel(TokenRevocationDoc.name) private readonly model: Model<TokenRevocationDoc>) {}

  /** Stores the entry (replacing one with its id); returns the one it replaced. */
  async put(entry: TokenRevocationDoc): Promise<TokenRevocationDoc | null> {
    return (await this.model.collection.findOneAndReplace({ _id: entry._id } as never, { ...entry }, { upsert: true })) as TokenRevocationDoc | null;
  }

  /** Deletes the entry; returns it, or null when there was none. */
  async remove(id: string): Promise<TokenRevocationDoc | null> {
    return (await this.model.collection.findOneAndDelete({ _id: id } as never)) as TokenRevocationDoc | null;
  }

  /** The entries still in force at `now`, oldest first. */
  active(now: Date): Promise<TokenRevocationDoc[]> {
    return this.model.collection
      .find({ $or: [{ until: { $exists: false } }, { until: { $gt: now } }] })
      .sort({ revokedAt: 1, _id: 1 })
      .toArray() as unknown as Promise<TokenRevocationDoc[]>;
  }
}

import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { Connection, ConnectionStates } from 'mongoose';

/**
 * Whether the driver currently sees the database server (it checks every second, and at once
 * after a failed command). While it does not, a write would wait serverSelectionTimeoutMS for
 * one and queue others behind it: writers refuse at once instead (UNAVAILABLE), and nothing
 * piles up in memory during an outage.
 */
@Injectable()
export class DatabaseAvailability {
  constructor(@InjectConnection() private readonly connection: Connection) {}

  get up(): boolean {
    return this.connection.readyState === ConnectionStates.connected;
  }
}

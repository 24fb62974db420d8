/**
 * What every service needs from the kernel, passed by parameter: the database, the clock, the
 * crypto keys, the config and the active jurisdiction profile.
 */
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Crypto } from './crypto.js';
import type { Db } from './db.js';
import type { JurisdictionProfile } from '../jurisdictions/profile.js';

export interface Kernel {
  readonly db: Db;
  readonly clock: Clock;
  readonly crypto: Crypto;
  readonly config: Config;
  readonly profile: JurisdictionProfile;
}

/** Who acts: a signed-in user of an org, an API key of an org, or the platform itself. */
export interface Actor {
  readonly userId: string | null;
  readonly orgId: string | null;
  /** Set when the caller authenticated with an API key; recorded in the event's details. */
  readonly apiKeyId?: string | null;
}

export const SYSTEM_ACTOR: Actor = Object.freeze({ userId: null, orgId: null });

// What the page routers are given by the app that mounts them.
import type { Client } from '@temporalio/client';
import type { Db } from '../lib/db';
import type { Config } from '../lib/config';

export interface WebDeps {
  db: Db;
  temporal: Client;
  config: Config;
}

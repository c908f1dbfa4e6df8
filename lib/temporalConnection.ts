import fs from 'node:fs';
import type { TLSConfig } from '@temporalio/client';
import type { Config } from './config';

export type TemporalConnectionConfig = Pick<
  Config,
  'TEMPORAL_ADDRESS' | 'TEMPORAL_TLS_CA_FILE' | 'TEMPORAL_TLS_CERT_FILE' | 'TEMPORAL_TLS_KEY_FILE' | 'TEMPORAL_TLS_SERVER_NAME'
>;

/**
 * How every process of ours reaches the Temporal frontend: the same options
 * suit the client's Connection.connect and the worker's NativeConnection.connect.
 * With TLS settings the files are read here, once per connection: renewed
 * certificates take effect when the process restarts (README "Deploying").
 */
export function temporalConnectionOptions(cfg: TemporalConnectionConfig): { address: string; tls?: TLSConfig } {
  const usesTls = Boolean(cfg.TEMPORAL_TLS_CA_FILE || cfg.TEMPORAL_TLS_CERT_FILE || cfg.TEMPORAL_TLS_SERVER_NAME);
  if (!usesTls) return { address: cfg.TEMPORAL_ADDRESS };
  const tls: TLSConfig = {};
  if (cfg.TEMPORAL_TLS_SERVER_NAME) tls.serverNameOverride = cfg.TEMPORAL_TLS_SERVER_NAME;
  if (cfg.TEMPORAL_TLS_CA_FILE) tls.serverRootCACertificate = fs.readFileSync(cfg.TEMPORAL_TLS_CA_FILE);
  if (cfg.TEMPORAL_TLS_CERT_FILE && cfg.TEMPORAL_TLS_KEY_FILE) {
    tls.clientCertPair = { crt: fs.readFileSync(cfg.TEMPORAL_TLS_CERT_FILE), key: fs.readFileSync(cfg.TEMPORAL_TLS_KEY_FILE) };
  }
  return { address: cfg.TEMPORAL_ADDRESS, tls };
}

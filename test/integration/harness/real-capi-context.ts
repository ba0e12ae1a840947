/** What the integration run's global setup tells the suites about the real Cluster API controllers (no vitest import: the global setup reads it). */
import { readFileSync } from 'node:fs';
import type { WorkloadServer } from '../../../src/devcluster/index.js';

export interface RealCapiContext {
  version: string;
  workloadKubeconfig: string;
  /** The CA every played cluster uses, PEM: the bootstrap provider parses it, and it signs the workload API server's certificate. */
  clusterCa: { cert: string; key: string };
}

/** The played clusters' CA of a local cluster's workload API server, read from its PEM files. */
export function clusterCaOf(workload: WorkloadServer): RealCapiContext['clusterCa'] {
  return { cert: readFileSync(workload.caCert, 'utf8'), key: readFileSync(workload.caKey, 'utf8') };
}

declare module 'vitest' {
  export interface ProvidedContext {
    realCapi: RealCapiContext;
  }
}

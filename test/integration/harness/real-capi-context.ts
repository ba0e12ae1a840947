/** What the integration run's global setup tells the suites about the real Cluster API controllers (no vitest import: the global setup reads it). */

export interface RealCapiContext {
  version: string;
  workloadKubeconfig: string;
  /** The CA every played cluster uses, PEM: the bootstrap provider parses it, and it signs the workload API server's certificate. */
  clusterCa: { cert: string; key: string };
}

declare module 'vitest' {
  export interface ProvidedContext {
    realCapi: RealCapiContext;
  }
}

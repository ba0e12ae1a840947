/** Where the real Cluster API controllers work in the integration run (no vitest import: the global setup reads it). */
import { namespaceFor } from '../../../src/magnum/names.js';

/** The Magnum project whose namespace the real controllers reconcile. */
export const REAL_CAPI_PROJECT = 'ca91a000c0ffee00ca91a000c0ffee00';
export const REAL_CAPI_NAMESPACE = namespaceFor(REAL_CAPI_PROJECT, 'magnum');

export interface RealCapiContext {
  version: string;
  namespace: string;
  workloadKubeconfig: string;
  caCert: string;
  caKey: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    realCapi: RealCapiContext;
  }
}

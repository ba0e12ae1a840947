/**
 * The fault suites start management clusters of their own, but all install
 * the real chart: one loopback repository for the run, as `inject('chartRepo')`
 * ('' when the packaged charts are absent; the suites then skip).
 */
import type { TestProject } from 'vitest/node';
import { serveRealCharts } from '../support/chart-repo.js';

export default async function setup(project: TestProject) {
  const repo = await serveRealCharts('the real-chart fault suites');
  project.provide('chartRepo', repo.url);
  return async () => {
    await repo.close();
  };
}

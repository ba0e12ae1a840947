/**
 * The fault suites start management clusters of their own, but all install
 * the real chart: one loopback repository for the run, as `inject('chartRepo')`
 * ('' when the packaged charts are absent; the suites then skip).
 */
import type { TestProject } from 'vitest/node';
import { REAL_CHART_VERSION, realChartsDir, skipNotice, startChartRepo } from '../support/chart-repo.js';

export default async function setup(project: TestProject) {
  const chartsDir = realChartsDir();
  const repo = chartsDir ? await startChartRepo(chartsDir) : null;
  process.stderr.write(repo ? `real chart: openstack-cluster ${REAL_CHART_VERSION} from ${chartsDir} served at ${repo.url}\n` : `${skipNotice('the real-chart fault suites')}\n`);
  project.provide('chartRepo', repo?.url ?? '');
  return async () => {
    await repo?.close();
  };
}

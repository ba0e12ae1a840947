import { describe, expect, it } from 'vitest';
import { auth, readerAuth, testApp } from '../../support/app.js';

describe('/metrics', () => {
  it('counts requests and observes latencies by method, route pattern and status code, in Prometheus text', async () => {
    const { app } = await testApp();
    await app.inject({ method: 'GET', url: '/v1/clusters', headers: readerAuth });
    await app.inject({ method: 'GET', url: '/v1/clusters', headers: readerAuth });
    await app.inject({ method: 'GET', url: '/v1/clusters' });
    await app.inject({ method: 'GET', url: '/v1/clusters/8d3b1e4a-0d0c-4d4c-9a8e-2d5d2f0c1a11', headers: readerAuth });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    await app.close();

    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const text = res.body;
    expect(text).toContain('mcs_http_requests_total{method="GET",route="/v1/clusters",code="200"} 2');
    expect(text).toContain('mcs_http_requests_total{method="GET",route="/v1/clusters",code="401"} 1');
    // The pattern, not the uuid: the label set stays bounded however many clusters there are.
    expect(text).toMatch(/mcs_http_requests_total\{method="GET",route="\/v1\/clusters\/:uuid",code="\d{3}"\} 1/);
    expect(text).not.toContain('8d3b1e4a');
    expect(text).toMatch(/mcs_http_request_duration_seconds_count\{method="GET",route="\/v1\/clusters",code="200"\} 2/);
  });

  it('counts reads per caller and role (reads are not audited line by line), refused ones not at all', async () => {
    const { app, audit } = await testApp();
    const uuid = '8d3b1e4a-0d0c-4d4c-9a8e-2d5d2f0c1a11';
    await app.inject({ method: 'GET', url: `/v1/clusters/${uuid}/health`, headers: auth });
    await app.inject({ method: 'GET', url: `/v1/clusters/${uuid}/health`, headers: readerAuth });
    await app.inject({ method: 'GET', url: `/v1/clusters/${uuid}/health`, headers: readerAuth });
    await app.inject({ method: 'GET', url: '/v1/clusters', headers: auth });
    const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    await app.close();
    expect(text).toContain('# HELP mcs_api_reads_total ');
    expect(text).toContain('mcs_api_reads_total{route="/v1/clusters/:uuid/health",caller="line-2",role="driver"} 1');
    expect(text).toContain('mcs_api_reads_total{route="/v1/clusters/:uuid/health",caller="dashboard",role="reader"} 2');
    expect(text).not.toContain('mcs_api_reads_total{route="/v1/clusters"');
    expect(audit).toEqual([]);
  });
});

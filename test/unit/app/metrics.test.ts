import { describe, expect, it } from 'vitest';
import { auth, testApp } from '../../support/app.js';

describe('/metrics', () => {
  it('counts requests and observes latencies by method, route pattern and status code, in Prometheus text', async () => {
    const { app } = await testApp();
    await app.inject({ method: 'GET', url: '/v1/clusters', headers: auth });
    await app.inject({ method: 'GET', url: '/v1/clusters', headers: auth });
    await app.inject({ method: 'GET', url: '/v1/clusters' });
    await app.inject({ method: 'GET', url: '/v1/clusters/8d3b1e4a-0d0c-4d4c-9a8e-2d5d2f0c1a11', headers: auth });
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
});

import { describe, expect, it } from 'vitest';
import { redact } from '../../../src/helm/redact.js';

describe('redact', () => {
  it.each([
    ['a PEM block', 'bad: -----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY----- end', 'bad: [redacted PEM] end', 'MIIE'],
    ['a bearer token', 'Authorization: Bearer abc.def-123', 'Authorization: Bearer [redacted]', 'abc.def-123'],
    ['an application credential secret', 'application_credential_secret: s3cr3t-value', 'application_credential_secret: [redacted]', 's3cr3t-value'],
    ['a quoted password', 'password="hunter2hunter2"', 'password=[redacted]', 'hunter2'],
    ['kubeconfig key data', 'client-key-data: QUJDREVG', 'client-key-data: [redacted]', 'QUJDREVG'],
    // As helm prints a chart repository it cannot reach.
    [
      'credentials in a repository URL',
      'Error: looks like "https://magnum:s3cr3t-pw@charts.example.test" is not a valid chart repository: Get "https://magnum:***@charts.example.test/index.yaml"',
      'Error: looks like "https://[redacted]@charts.example.test" is not a valid chart repository: Get "https://[redacted]@charts.example.test/index.yaml"',
      's3cr3t-pw',
    ],
    ['a user name alone in a URL', 'oci://robot-account@registry.example.test/charts', 'oci://[redacted]@registry.example.test/charts', 'robot-account'],
  ])('scrubs %s', (_name, input, expected, secret) => {
    const out = redact(input);
    expect(out).toBe(expected);
    expect(out).not.toContain(secret);
  });

  it('scrubs known secret strings wherever they appear', () => {
    expect(redact('values had opaque-value-123 inside', ['opaque-value-123'])).toBe('values had [redacted] inside');
  });

  it('keeps the useful part of an error and cuts very long text', () => {
    expect(redact('Error: UPGRADE FAILED: chart requires kubeVersion')).toBe('Error: UPGRADE FAILED: chart requires kubeVersion');
    expect(redact('Get "https://127.0.0.1:6443/version": dial tcp: connection refused')).toBe('Get "https://127.0.0.1:6443/version": dial tcp: connection refused');
    const long = redact('x'.repeat(5000));
    expect(long.length).toBeLessThan(2100);
    expect(long).toMatch(/3000 more characters\)$/);
  });
});

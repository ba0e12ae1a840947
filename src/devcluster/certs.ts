/**
 * Certificates for the local management cluster, made with the openssl CLI
 * (argv only): a CA, a serving certificate for 127.0.0.1 and localhost, and
 * the service-account signing key pair.
 */
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface ClusterCerts {
  caCert: string;
  servingCert: string;
  servingKey: string;
  saKey: string;
  saPub: string;
}

async function openssl(args: string[], cwd: string): Promise<void> {
  await execa('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

export async function ensureCerts(dir: string): Promise<ClusterCerts> {
  const certs: ClusterCerts = {
    caCert: join(dir, 'ca.crt'),
    servingCert: join(dir, 'serving.crt'),
    servingKey: join(dir, 'serving.key'),
    saKey: join(dir, 'sa.key'),
    saPub: join(dir, 'sa.pub'),
  };
  if (Object.values(certs).every((p) => existsSync(p))) return certs;
  await openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '3650', '-subj', '/CN=mcs-local-ca'], dir);
  await writeFile(join(dir, 'serving.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  await openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'serving.key', '-out', 'serving.csr', '-subj', '/CN=localhost'], dir);
  await openssl(['x509', '-req', '-in', 'serving.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'serving.crt', '-days', '3650', '-extfile', 'serving.ext'], dir);
  await openssl(['genrsa', '-out', 'sa.key', '2048'], dir);
  await openssl(['rsa', '-in', 'sa.key', '-pubout', '-out', 'sa.pub'], dir);
  return certs;
}

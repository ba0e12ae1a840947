/** A minimal valid spec document, built in code so each test states only what it changes. */
import type { SpecInput } from '../../src/magnum/spec.js';

export const CLUSTER_UUID = '5d12f6fd-a196-4bf0-ae4c-1f639a523a52';

export function minimalSpec(overrides: Partial<SpecInput> = {}): SpecInput {
  return {
    cluster: {
      uuid: CLUSTER_UUID,
      name: 'k8s-cluster',
      project_id: '9f0c3a1b2c4d4e5f8a9b0c1d2e3f4a5b',
      stack_id: null,
      status: 'CREATE_IN_PROGRESS',
      labels: {},
      keypair: 'default',
      master_flavor_id: 'm1.medium',
      flavor_id: 'm1.medium',
      master_count: 1,
      node_count: 2,
    },
    cluster_template: {
      uuid: '0d5d4e4b-9a0e-4bd0-9d4c-7d1a8c9f3e21',
      name: 'k8s-1.31',
      labels: {},
      image_id: 'ubuntu-2204-kube-v1.31.4',
      external_network_id: 'public',
    },
    nodegroups: [
      { uuid: '11111111-1111-1111-1111-111111111111', name: 'default-master', role: 'master', node_count: 1, is_default: true, labels: {} },
      { uuid: '22222222-2222-2222-2222-222222222222', name: 'default-worker', role: 'worker', node_count: 2, is_default: true, labels: {} },
    ],
    resolved: {
      image: { id: '6a1e0b44-53c8-4c2e-9f4e-0e0e2b7f5b1a', kube_version: 'v1.31.4', os_distro: 'ubuntu' },
      flavors: { 'm1.medium': { id: '3', name: 'm1.medium', vcpus: 2, ram: 4096 } },
      external_network_id: 'c1c1c1c1-0000-4000-8000-000000000001',
      volume_types: ['__DEFAULT__'],
      auth_url: 'https://keystone.example.test/v3',
    },
    credentials: {
      clouds_yaml: 'clouds:\n  openstack:\n    auth:\n      application_credential_secret: S3CRET-CLOUDS-VALUE\n',
      cacert: null,
      application_credential_id: 'ac-123',
    },
    ...overrides,
  };
}

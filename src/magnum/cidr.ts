/**
 * IP ranges as numbers, so two ranges can be compared: the cluster's pod,
 * service and node networks must not overlap, or traffic meant for a pod is
 * routed to a node (or a Service's address to a pod).
 */
import { isIPv4, isIPv6 } from 'node:net';

export interface Cidr {
  family: 4 | 6;
  /** The first address of the range. */
  first: bigint;
  prefix: number;
  /** Whether the address had bits set past the prefix (`10.0.0.5/24`). */
  hostBitsSet: boolean;
  text: string;
}

function v4(address: string): bigint {
  return address.split('.').reduce((n, octet) => (n << 8n) + BigInt(Number(octet)), 0n);
}

function v6(address: string): bigint {
  // An embedded IPv4 tail (`::ffff:10.0.0.1`) becomes its two groups.
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  let text = address;
  if (tail) {
    const n = v4(tail[1]!);
    text = `${address.slice(0, -tail[1]!.length)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head, rest] = text.split('::') as [string, string | undefined];
  const left = head === '' ? [] : head.split(':');
  const right = rest === undefined || rest === '' ? [] : rest.split(':');
  const groups = rest === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return groups.reduce((n, g) => (n << 16n) + BigInt(parseInt(g, 16)), 0n);
}

/** `address/prefix`, checked with Node's own address parsers; null when malformed. */
export function parseCidr(text: string): Cidr | null {
  const m = /^([0-9a-fA-F:.]+)\/(\d{1,3})$/.exec(text);
  if (!m) return null;
  const prefix = Number(m[2]);
  const address = m[1]!;
  let family: 4 | 6;
  let value: bigint;
  if (isIPv4(address) && prefix <= 32) [family, value] = [4, v4(address)];
  else if (isIPv6(address) && prefix <= 128) [family, value] = [6, v6(address)];
  else return null;
  const bits = BigInt(family === 4 ? 32 : 128);
  const hostMask = (1n << (bits - BigInt(prefix))) - 1n;
  return { family, first: value & ~hostMask, prefix, hostBitsSet: (value & hostMask) !== 0n, text };
}

/** Two ranges of one family overlap when the shorter prefix's network holds the other's first address. */
export function overlaps(a: Cidr, b: Cidr): boolean {
  if (a.family !== b.family) return false;
  const bits = BigInt(a.family === 4 ? 32 : 128);
  const shorter = BigInt(Math.min(a.prefix, b.prefix));
  const shift = bits - shorter;
  return a.first >> shift === b.first >> shift;
}

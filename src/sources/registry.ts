/** The source vendors, by kind: one module each (settings, credentials, verify, decide). */
import { acuity } from './acuity.js';
import { calcom } from './calcom.js';
import { calendly } from './calendly.js';
import { generic } from './generic.js';
import { shopify } from './shopify.js';
import { square } from './square.js';
import type { SourceVendor } from './vendor.js';

export const SOURCE_KINDS = ['calcom', 'calendly', 'shopify', 'acuity', 'square', 'generic'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

const VENDORS: Readonly<Record<SourceKind, SourceVendor<any, any>>> = { calcom, calendly, shopify, acuity, square, generic };

export function vendorOf(kind: string): SourceVendor<unknown, unknown> {
  const vendor = (VENDORS as Record<string, SourceVendor<unknown, unknown> | undefined>)[kind];
  if (!vendor) throw new Error(`unknown source kind ${kind}`);
  return vendor;
}

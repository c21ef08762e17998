/**
 * The source vendors, by kind. Shopify, Acuity and Square join as one module each (verify + decide).
 */
import { calcom } from './calcom.js';
import { calendly } from './calendly.js';
import { generic } from './generic.js';
import type { SourceVendor } from './vendor.js';

export const SOURCE_KINDS = ['calcom', 'calendly', 'generic'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

const VENDORS: Readonly<Record<SourceKind, SourceVendor<any>>> = { calcom, calendly, generic };

export function vendorOf(kind: string): SourceVendor<unknown> {
  const vendor = (VENDORS as Record<string, SourceVendor<unknown> | undefined>)[kind];
  if (!vendor) throw new Error(`unknown source kind ${kind}`);
  return vendor;
}

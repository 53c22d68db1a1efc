/** The postal service's tracking (免费寄递 of results): where a parcel is. adapters/postal implements it. */
export interface PostalTracker {
  track(trackingNumber: string): Promise<{ status: 'in_transit' | 'delivered' | 'returned'; at?: Date }>;
}

/**
 * Where the hub keeps the bytes of photos, recordings and files: a local directory by default
 * (src/media/local-object-store.ts), any S3-compatible store in production (adapters/s3).
 * Keys are the hub's own (content-addressed); nothing in the store is ever served directly.
 */
export interface ObjectStore {
  put(key: string, bytes: Buffer, contentType: string): Promise<void>;
  /** The object's bytes, or undefined when there is none under the key. */
  get(key: string): Promise<Buffer | undefined>;
  /** Removes the object (retention, a citizen's erasure); none under the key is fine. */
  delete(key: string): Promise<void>;
  /** Whether the store answers (readiness). */
  ping(): Promise<void>;
}

/** Gets a provider's media (an MMS photo, a voicemail) once, to keep it. adapters/media implements it over HTTPS. */
export interface MediaFetcher {
  /** Whether the hub fetches from this URL at all (known provider hosts only: a citizen's URL is not fetched blindly). */
  allows(url: string): boolean;
  /** The bytes; a MediaTooLarge past maxBytes; any other error is worth a retry. */
  fetch(url: string, maxBytes: number): Promise<Buffer>;
}

export class MediaTooLarge extends Error {}

/** Ports the core sends through; channels/ and adapters/ implement them. */
export interface SmsSender {
  /** Sends one SMS; resolves with the provider's message id. */
  send(message: { to: string; body: string }): Promise<{ providerId: string }>;
}

/** A failed send. Permanent failures (an invalid number) are not retried. */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

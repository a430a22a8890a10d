import { EmailClient } from '@azure/communication-email';
import type { EmailSender, OutgoingEmail, SendOutcome } from '../../app/ports.js';
import type { TokenCredential } from '@azure/core-auth';

export interface AcsEmailSettings {
  endpoint: string;
  accessKey: string | undefined;
  senderAddress: string;
}

const DEFAULT_RETRY_AFTER_SECONDS = 60;

function statusAndRetryAfter(error: unknown): { status?: number; retryAfterSeconds?: number } {
  if (typeof error !== 'object' || error === null) return {};
  const { statusCode, response } = error as {
    statusCode?: number;
    response?: { headers?: { get?(name: string): string | undefined } };
  };
  const header = response?.headers?.get?.('retry-after');
  const seconds = header === undefined ? undefined : Number(header);
  return {
    status: statusCode,
    retryAfterSeconds: seconds !== undefined && Number.isFinite(seconds) ? seconds : undefined,
  };
}

/**
 * Sends through Azure Communication Services with the real SDK. The SDK's own retries are off: a 429
 * goes back to the queue with the delay the service asks for (throttling is not failure), and any
 * other failure is thrown so the queue retries it and, in the end, poisons it.
 */
export class AcsEmailSender implements EmailSender {
  private readonly client: EmailClient;

  constructor(
    private readonly settings: AcsEmailSettings,
    credential: () => TokenCredential,
  ) {
    const endpoint = settings.endpoint.replace(/\/+$/, '');
    const options = {
      retryOptions: { maxRetries: 0 },
      ...(endpoint.startsWith('http://') ? { allowInsecureConnection: true } : {}),
    };
    this.client = settings.accessKey
      ? new EmailClient(`endpoint=${endpoint}/;accesskey=${settings.accessKey}`, options)
      : new EmailClient(endpoint, credential(), options);
  }

  async send(email: OutgoingEmail): Promise<SendOutcome> {
    try {
      const poller = await this.client.beginSend(
        {
          senderAddress: this.settings.senderAddress,
          recipients: { to: [{ address: email.to }] },
          content: { subject: email.subject, html: email.html, plainText: email.plainText },
        },
        { operationId: email.operationId, updateIntervalInMs: 500 },
      );
      const result = await poller.pollUntilDone();
      if (result.status !== 'Succeeded') {
        throw new Error(
          `Communication Services reported ${result.status}: ${result.error?.message ?? 'no detail'}`,
        );
      }
      return { outcome: 'sent' };
    } catch (error) {
      const { status, retryAfterSeconds } = statusAndRetryAfter(error);
      if (status === 429)
        return { outcome: 'throttled', retryAfterSeconds: retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS };
      throw error;
    }
  }
}

import { hmacInvitationTokens } from '../../../shared/app/tokens.js';
import type {
  BulkChunkMessage,
  BulkQueue,
  EmailDispatchMessage,
  EmailQueue,
  EmailSender,
  Links,
  OutgoingEmail,
  SendOutcome,
  UploadStore,
} from '../../../shared/app/ports.js';
import { clone } from './store.js';

/** The app's real token derivation under a test secret (pure: nothing to fake). */
export const TEST_INVITATIONS = hmacInvitationTokens('unit-test-invitation-secret-0123456789abcdef');

/** Storage refuses a message over 64 KiB, counted as the base64 text the JSON queue sends. */
const MAX_MESSAGE_BYTES = 64 * 1024;

function refuseOversized(message: unknown): void {
  const text = Buffer.from(JSON.stringify(message), 'utf8').toString('base64');
  if (text.length > MAX_MESSAGE_BYTES) {
    throw Object.assign(new Error(`The message is ${text.length} bytes; a queue takes at most 64 KiB.`), {
      statusCode: 413,
    });
  }
}

export interface QueuedEmail {
  message: EmailDispatchMessage;
  options: { delaySeconds?: number } | undefined;
}

export class FakeEmailQueue implements EmailQueue {
  readonly queued: QueuedEmail[] = [];
  /** When set, the next `enqueue` throws it (and queues nothing). */
  failNextEnqueue: Error | null = null;

  async enqueue(message: EmailDispatchMessage, options?: { delaySeconds?: number }): Promise<void> {
    if (this.failNextEnqueue) {
      const error = this.failNextEnqueue;
      this.failNextEnqueue = null;
      throw error;
    }
    refuseOversized(message);
    this.queued.push({
      message: clone(message),
      options: options === undefined ? undefined : clone(options),
    });
  }

  get messages(): EmailDispatchMessage[] {
    return this.queued.map((q) => q.message);
  }
}

/** Records every send; answers from a script of outcomes (an Error in it is thrown), else `sent`. */
export class FakeEmailSender implements EmailSender {
  readonly calls: OutgoingEmail[] = [];
  readonly script: (SendOutcome | Error)[] = [];

  willAnswer(...outcomes: (SendOutcome | Error)[]): this {
    this.script.push(...outcomes);
    return this;
  }

  async send(email: OutgoingEmail): Promise<SendOutcome> {
    this.calls.push(clone(email));
    const next = this.script.shift() ?? { outcome: 'sent' };
    if (next instanceof Error) throw next;
    return next;
  }
}

export class FakeLinks implements Links {
  activationUrl(partnerId: string, assignmentId: string, token: string): string {
    const query = new URLSearchParams({ partner: partnerId, assignment: assignmentId, token });
    return `https://subs.example/api/activate?${query.toString()}`;
  }
}

/** A clock a test moves by hand. */
export class FakeClock {
  constructor(private current: Date) {}

  readonly now = (): Date => new Date(this.current.getTime());

  set(at: Date): void {
    this.current = new Date(at.getTime());
  }

  advanceSeconds(seconds: number): void {
    this.current = new Date(this.current.getTime() + seconds * 1000);
  }
}

export class FakeBulkQueue implements BulkQueue {
  readonly messages: BulkChunkMessage[] = [];
  /** When set, the next `enqueue` throws it (and queues nothing). */
  failNextEnqueue: Error | null = null;

  async enqueue(message: BulkChunkMessage): Promise<void> {
    if (this.failNextEnqueue) {
      const error = this.failNextEnqueue;
      this.failNextEnqueue = null;
      throw error;
    }
    refuseOversized(message);
    this.messages.push(clone(message));
  }
}

export interface SavedUpload {
  name: string;
  bytes: Buffer;
  contentType: string;
}

/** Keeps uploads in memory; `save` answers the name it was given, as the Blob store does. */
export class FakeUploadStore implements UploadStore {
  readonly saved: SavedUpload[] = [];
  /** When set, the next `save` throws it (and keeps nothing). */
  failNextSave: Error | null = null;

  async save(name: string, bytes: Buffer, contentType: string): Promise<string> {
    if (this.failNextSave) {
      const error = this.failNextSave;
      this.failNextSave = null;
      throw error;
    }
    this.saved.push({ name, bytes: Buffer.from(bytes), contentType });
    return name;
  }
}

/** A local stand-in for an Azure service, started by the dev stack or by a test's global setup. */
export interface RunningService {
  /** Base URL (or connection string for Azurite) a client uses to reach the service. */
  readonly url: string;
  stop(): Promise<void>;
}

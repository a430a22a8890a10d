import { randomBytes, randomUUID } from 'node:crypto';
import { resolveAppSettings } from './config.js';
import { runHooks, runLogHooks, type CoreRegistry } from './core.js';
import type { HostedFunction } from './functions.js';
import { describeError, type HostLog } from './log.js';
import type {
  CoreInvocationContext,
  FunctionCallback,
  RpcInvocationRequest,
  RpcInvocationResponse,
  RpcLogCategory,
  RpcLogLevel,
  RpcParameterBinding,
  RpcTypedData,
} from './rpc.js';
import { encodeMessage, type StorageClients } from './storage.js';

export interface InvokeRequest {
  inputData: RpcParameterBinding[];
  triggerMetadata?: Record<string, RpcTypedData>;
  /** Shown in the "Executing" line, e.g. `New queue message detected on 'orders'.` */
  reason: string;
  retryContext?: RpcInvocationRequest['retryContext'];
  traceParent?: string;
}

export interface InvokeOutcome {
  invocationId: string;
  succeeded: boolean;
  response?: RpcInvocationResponse;
  error?: unknown;
  durationMs: number;
}

const TRACE_PARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

function newTraceParent(): string {
  return `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
}

/**
 * Runs invocations through the app's own programming model, the way the Node.js worker does:
 * getArguments → preInvocation hooks → invokeFunction → postInvocation hooks → getResponse, then
 * writes the output bindings the dev host supports (storage queues).
 */
export class Invoker {
  readonly #inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly registry: CoreRegistry,
    private readonly log: HostLog,
    private readonly storage: StorageClients,
    private readonly queueEncoding: 'base64' | 'none',
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** Waits for running invocations, at most `timeoutMs`. */
  async drain(timeoutMs: number): Promise<boolean> {
    if (this.#inFlight.size === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const done = Promise.allSettled([...this.#inFlight]).then(() => true as const);
    const result = await Promise.race([done, timedOut]);
    clearTimeout(timer);
    return result;
  }

  invoke(fn: HostedFunction, request: InvokeRequest): Promise<InvokeOutcome> {
    const running = this.#run(fn, request);
    this.#inFlight.add(running);
    void running.finally(() => this.#inFlight.delete(running));
    return running;
  }

  async #run(fn: HostedFunction, request: InvokeRequest): Promise<InvokeOutcome> {
    const name = fn.info.name;
    const invocationId = randomUUID();
    const started = performance.now();
    this.log.info(`Executing 'Functions.${name}' (Reason='${request.reason}', Id=${invocationId})`);
    let invocationContext: unknown;
    const coreContext: CoreInvocationContext = {
      invocationId,
      request: {
        invocationId,
        functionId: fn.registration.metadata.functionId ?? name,
        inputData: request.inputData,
        triggerMetadata: request.triggerMetadata ?? {},
        traceContext: {
          traceParent:
            request.traceParent && TRACE_PARENT.test(request.traceParent)
              ? request.traceParent
              : newTraceParent(),
          traceState: '',
          attributes: {},
        },
        retryContext: request.retryContext ?? null,
      },
      metadata: {
        name,
        functionId: fn.registration.metadata.functionId ?? name,
        bindings: fn.registration.metadata.bindings,
      },
      state: undefined,
      log: (level: RpcLogLevel, category: RpcLogCategory, message: string) => {
        const entry = { level, message, category, invocationContext };
        runLogHooks(this.registry, entry);
        this.log.system(entry.level, category, entry.message, name);
      },
    };

    const outcome: InvokeOutcome = { invocationId, succeeded: false, durationMs: 0 };
    try {
      const model = this.registry.model;
      if (!model) throw new Error('the app registered no programming model');
      const invocationModel = model.getInvocationModel(coreContext);
      const { context, inputs } = await invocationModel.getArguments();
      invocationContext = context;
      const hookData: Record<string, unknown> = {};
      const pre = {
        hookData,
        appHookData: this.registry.appHookData,
        invocationContext: context,
        inputs,
        functionCallback: fn.registration.handler as FunctionCallback,
      };
      coreContext.state = 'preInvocationHooks';
      await runHooks(this.registry, 'preInvocation', pre);
      coreContext.state = 'invocation';
      const post: Record<string, unknown> & { result: unknown; error: unknown } = {
        hookData,
        appHookData: this.registry.appHookData,
        invocationContext: context,
        inputs: pre.inputs,
        result: null,
        error: null,
      };
      try {
        post.result = await invocationModel.invokeFunction(context, pre.inputs, pre.functionCallback);
      } catch (error) {
        post.error = error ?? new Error('the function threw a nullish value');
      }
      coreContext.state = 'postInvocationHooks';
      await runHooks(this.registry, 'postInvocation', post);
      coreContext.state = undefined;
      if (post.error !== null && post.error !== undefined) throw post.error;
      const response = await invocationModel.getResponse(context, post.result);
      await this.#writeOutputs(fn, response);
      outcome.response = response;
      outcome.succeeded = true;
    } catch (error) {
      coreContext.state = undefined;
      outcome.error = error;
      this.log.error(
        `[${name}] Exception while executing function: Functions.${name}. ${describeError(error)}`,
      );
    }
    outcome.durationMs = Math.round(performance.now() - started);
    this.log.info(
      `Executed 'Functions.${name}' (${outcome.succeeded ? 'Succeeded' : 'Failed'}, Id=${invocationId}, Duration=${outcome.durationMs}ms)`,
    );
    return outcome;
  }

  /** Output bindings other than http: storage queues are written, others are reported and dropped. */
  async #writeOutputs(fn: HostedFunction, response: RpcInvocationResponse): Promise<void> {
    for (const [name, binding] of Object.entries(fn.registration.metadata.bindings)) {
      if (binding.direction !== 'out') continue;
      const type = String(binding.type ?? '').toLowerCase();
      if (type === 'http') continue;
      const data =
        name === '$return' ? response.returnValue : response.outputData?.find((o) => o.name === name)?.data;
      const messages = toMessages(data);
      if (messages.length === 0) continue;
      if (type !== 'queue') {
        this.log.warn(
          `[${fn.info.name}] output binding "${name}" of type ${binding.type} is not supported by the dev host; its value was dropped`,
        );
        continue;
      }
      const queueName = resolveAppSettings(String(binding.queueName ?? ''), this.env);
      const connection = typeof binding.connection === 'string' ? binding.connection : undefined;
      const client = this.storage.queue(connection, queueName);
      await this.storage.ensureQueue(client);
      for (const message of messages) await client.sendMessage(encodeMessage(message, this.queueEncoding));
    }
  }
}

/** Turns an output binding value (RPC typed data) into queue message texts; an array is several messages. */
export function toMessages(data: RpcTypedData | null | undefined): string[] {
  if (!data) return [];
  const one = (value: unknown): string =>
    typeof value === 'string'
      ? value
      : Buffer.isBuffer(value)
        ? value.toString('utf8')
        : JSON.stringify(value);
  if (data.string !== undefined && data.string !== null) return [data.string];
  if (data.json !== undefined && data.json !== null) {
    const parsed: unknown = JSON.parse(data.json);
    if (parsed === null) return [];
    return Array.isArray(parsed) ? parsed.map(one) : [data.json];
  }
  if (data.bytes) return [Buffer.from(data.bytes).toString('utf8')];
  if (data.int !== undefined && data.int !== null) return [String(data.int)];
  if (data.double !== undefined && data.double !== null) return [String(data.double)];
  if (data.collectionString?.string) return [...data.collectionString.string];
  if (data.collectionBytes?.bytes)
    return data.collectionBytes.bytes.map((b) => Buffer.from(b).toString('utf8'));
  if (data.collectionDouble?.double) return data.collectionDouble.double.map(String);
  if (data.collectionSint64?.sint64) return data.collectionSint64.sint64.map(String);
  return [];
}

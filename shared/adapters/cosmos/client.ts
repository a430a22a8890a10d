import { CosmosClient, type Container } from '@azure/cosmos';
import { config } from '../../config.js';
import { azureCredential } from '../credential.js';

let client: CosmosClient | undefined;
let container: Promise<Container> | undefined;

export function cosmosClient(): CosmosClient {
  if (!client) {
    const { endpoint, key } = config().cosmos;
    client = new CosmosClient({
      endpoint,
      ...(key ? { key } : { aadCredentials: azureCredential() }),
      // The emulator advertises an https:// location it does not serve; never follow it over plain http.
      connectionPolicy: { enableEndpointDiscovery: !endpoint.startsWith('http://') },
    });
  }
  return client;
}

/** The single container (partition key /partnerId); created on first use only where configured (local). */
export function partnersContainer(): Promise<Container> {
  container ??= (async () => {
    const { database, container: name, createIfMissing } = config().cosmos;
    const cosmos = cosmosClient();
    if (!createIfMissing) return cosmos.database(database).container(name);
    const { database: db } = await cosmos.databases.createIfNotExists({ id: database });
    const { container: created } = await db.containers.createIfNotExists({
      id: name,
      partitionKey: { paths: ['/partnerId'] },
    });
    return created;
  })().catch((error: unknown) => {
    container = undefined;
    throw error;
  });
  return container;
}

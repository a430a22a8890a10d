import type { TokenCredential } from '@azure/core-auth';
import { CosmosClient, type Container } from '@azure/cosmos';
import type { AppConfig } from '../../config.js';

type CosmosSettings = AppConfig['cosmos'];

export function createCosmosClient(
  settings: CosmosSettings,
  credential: () => TokenCredential,
): CosmosClient {
  const { endpoint, key } = settings;
  return new CosmosClient({
    endpoint,
    ...(key ? { key } : { aadCredentials: credential() }),
    // The emulator advertises an https:// location it does not serve; never follow it over plain http.
    connectionPolicy: { enableEndpointDiscovery: !endpoint.startsWith('http://') },
  });
}

/** The single container (partition key /partnerId); created on first use only where configured (local). */
export async function openPartnersContainer(
  cosmos: CosmosClient,
  settings: CosmosSettings,
): Promise<Container> {
  const { database, container: name, createIfMissing } = settings;
  if (!createIfMissing) return cosmos.database(database).container(name);
  const { database: db } = await cosmos.databases.createIfNotExists({ id: database });
  const { container } = await db.containers.createIfNotExists({
    id: name,
    partitionKey: { paths: ['/partnerId'] },
  });
  return container;
}

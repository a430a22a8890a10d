import type { EndpointSpec } from '../endpoint.js';
import { activationEndpoints } from './activation.js';
import { assignmentEndpoints } from './assignments.js';
import { auditEndpoints } from './audit.js';
import { bulkEndpoints } from './bulk.js';
import { partnerEndpoints } from './partners.js';
import { peopleEndpoints } from './people.js';
import { systemEndpoints } from './system.js';

/** Every endpoint of the public contract; the OpenAPI document is generated from this list. */
export const allEndpoints: EndpointSpec[] = [
  ...systemEndpoints,
  ...partnerEndpoints,
  ...peopleEndpoints,
  ...assignmentEndpoints,
  ...activationEndpoints,
  ...bulkEndpoints,
  ...auditEndpoints,
];

import { app } from '@azure/functions';
import { createPartner, getPartner, updatePartner } from '../shared/app/partners.js';
import { partnerRepository, auditLog } from '../shared/adapters/registry.js';
import { endpoint } from '../shared/http/endpoint.js';
import { callContext, ifMatchOf } from '../shared/http/request.js';
import { created, ok } from '../shared/http/responses.js';
import { partnerBody } from '../shared/http/views.js';
import * as contract from '../shared/http/contract/partners.js';

const deps = () => ({ partners: partnerRepository(), audit: auditLog() });

export const partnersCreate = endpoint(contract.createPartner, async (input) => {
  const partner = await createPartner(deps(), callContext(input), input.body);
  return created(partnerBody(partner.value, new Date()), `/api/partners/${partner.value.partnerId}`, {
    etag: partner.etag,
  });
});

export const partnersGet = endpoint(contract.getPartner, async (input) => {
  const partner = await getPartner(deps(), callContext(input), input.params.partnerId);
  return ok(partnerBody(partner.value, new Date()), { etag: partner.etag });
});

export const partnersUpdate = endpoint(contract.updatePartner, async (input) => {
  const partner = await updatePartner(
    deps(),
    callContext(input),
    input.params.partnerId,
    input.body,
    ifMatchOf(input.request),
  );
  return ok(partnerBody(partner.value, new Date()), { etag: partner.etag });
});

app.http(contract.createPartner.name, partnersCreate);
app.http(contract.getPartner.name, partnersGet);
app.http(contract.updatePartner.name, partnersUpdate);

import { app } from '@azure/functions';
import { createPartner, getPartner, listPartners, updatePartner } from '../shared/app/partners.js';
import { clock, endpoint, partnerDeps } from '../shared/root.js';
import { callContext, ifMatchOf } from '../shared/http/request.js';
import { created, ok } from '../shared/http/responses.js';
import { partnerBody } from '../shared/http/views.js';
import * as contract from '../shared/http/contract/partners.js';

export const partnersCreate = endpoint(contract.createPartner, async (input) => {
  const partner = await createPartner(partnerDeps(), callContext(input), input.body);
  return created(partnerBody(partner.value, clock()), `/api/partners/${partner.value.partnerId}`, {
    etag: partner.etag,
  });
});

export const partnersList = endpoint(contract.listPartners, async (input) => {
  const { q, limit, cursor } = input.query;
  const page = await listPartners(partnerDeps(), callContext(input), { text: q }, { limit, cursor });
  const now = clock();
  return ok({ items: page.items.map((partner) => partnerBody(partner, now)), nextCursor: page.nextCursor });
});

export const partnersGet = endpoint(contract.getPartner, async (input) => {
  const partner = await getPartner(partnerDeps(), callContext(input), input.params.partnerId);
  return ok(partnerBody(partner.value, clock()), { etag: partner.etag });
});

export const partnersUpdate = endpoint(contract.updatePartner, async (input) => {
  const partner = await updatePartner(
    partnerDeps(),
    callContext(input),
    input.params.partnerId,
    input.body,
    ifMatchOf(input.request),
  );
  return ok(partnerBody(partner.value, clock()), { etag: partner.etag });
});

app.http(contract.createPartner.name, partnersCreate);
app.http(contract.listPartners.name, partnersList);
app.http(contract.getPartner.name, partnersGet);
app.http(contract.updatePartner.name, partnersUpdate);

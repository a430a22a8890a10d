import { app } from '@azure/functions';
import {
  associatePerson,
  disassociatePerson,
  getPerson,
  listPeople,
  setPersonRoles,
  updatePerson,
} from '../shared/app/people.js';
import { endpoint, peopleDeps } from '../shared/root.js';
import { callContext, ifMatchOf } from '../shared/http/request.js';
import { created, noContent, ok } from '../shared/http/responses.js';
import { personBody } from '../shared/http/views.js';
import * as contract from '../shared/http/contract/people.js';

export const peopleCreate = endpoint(contract.associatePerson, async (input) => {
  const { partnerId } = input.params;
  const person = await associatePerson(peopleDeps(), callContext(input), partnerId, input.body);
  return created(personBody(person.value), `/api/partners/${partnerId}/people/${person.value.personId}`, {
    etag: person.etag,
  });
});

export const peopleList = endpoint(contract.listPeople, async (input) => {
  const { q, role, privilege, limit, cursor } = input.query;
  const page = await listPeople(
    peopleDeps(),
    callContext(input),
    input.params.partnerId,
    { text: q, role, privilege },
    {
      limit,
      cursor,
    },
  );
  return ok({ items: page.items.map(personBody), nextCursor: page.nextCursor });
});

export const peopleGet = endpoint(contract.getPerson, async (input) => {
  const { partnerId, personId } = input.params;
  const person = await getPerson(peopleDeps(), callContext(input), partnerId, personId);
  return ok(personBody(person.value), { etag: person.etag });
});

export const peopleUpdate = endpoint(contract.updatePerson, async (input) => {
  const { partnerId, personId } = input.params;
  const person = await updatePerson(
    peopleDeps(),
    callContext(input),
    partnerId,
    personId,
    input.body,
    ifMatchOf(input.request),
  );
  return ok(personBody(person.value), { etag: person.etag });
});

export const peopleDelete = endpoint(contract.disassociatePerson, async (input) => {
  const { partnerId, personId } = input.params;
  await disassociatePerson(peopleDeps(), callContext(input), partnerId, personId, {
    cascade: input.query.cascade,
    ifMatch: ifMatchOf(input.request),
  });
  return noContent();
});

export const peopleRolesPut = endpoint(contract.setRoles, async (input) => {
  const { partnerId, personId } = input.params;
  const person = await setPersonRoles(
    peopleDeps(),
    callContext(input),
    partnerId,
    personId,
    input.body,
    ifMatchOf(input.request),
  );
  return ok(personBody(person.value), { etag: person.etag });
});

app.http(contract.associatePerson.name, peopleCreate);
app.http(contract.listPeople.name, peopleList);
app.http(contract.getPerson.name, peopleGet);
app.http(contract.updatePerson.name, peopleUpdate);
app.http(contract.disassociatePerson.name, peopleDelete);
app.http(contract.setRoles.name, peopleRolesPut);

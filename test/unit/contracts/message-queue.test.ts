import { describeMessageQueueContract } from '../../contracts/message-queue.contract.js';
import { FakeEmailQueue } from '../../support/fakes/index.js';

describeMessageQueueContract('fake', () => {
  const queue = new FakeEmailQueue();
  return { queue, received: async () => queue.queued.splice(0).map((queued) => queued.message) };
});

// Usage: node transactions.js <bootstrap> <topic> <records per transaction>
// With kafkajs's own transaction protocol (InitProducerId, AddPartitionsToTxn, EndTxn, TxnOffsetCommit through
// sendOffsets): commits a transaction of n records ("commit-<i>"), aborts one ("abort-<i>"), then commits one more
// with offsets for group "js-txn-group" (input partition 0, offset 42). Prints "committed=<2n> aborted=<n>".
const { Kafka, logLevel } = require('kafkajs');

const [bootstrap, topic, countText] = process.argv.slice(2);
const count = Number(countText);
const kafka = new Kafka({ clientId: 'strata-kafkajs-txn', brokers: [bootstrap], logLevel: logLevel.ERROR });

const messages = (prefix) => Array.from({ length: count }, (_, i) => ({ key: `${prefix}-${i}`, value: `${prefix}-${i}` }));

(async () => {
  const producer = kafka.producer({ transactionalId: 'js-txn', maxInFlightRequests: 1, idempotent: true });
  await producer.connect();

  let txn = await producer.transaction();
  await txn.send({ topic, messages: messages('commit-a') });
  await txn.commit();

  txn = await producer.transaction();
  await txn.send({ topic, messages: messages('abort') });
  await txn.abort();

  txn = await producer.transaction();
  await txn.send({ topic, messages: messages('commit-b') });
  await txn.sendOffsets({ consumerGroupId: 'js-txn-group', topics: [{ topic, partitions: [{ partition: 0, offset: '42' }] }] });
  await txn.commit();

  await producer.disconnect();
  console.log(`committed=${2 * count} aborted=${count}`);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});

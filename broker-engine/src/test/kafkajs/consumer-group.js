// Usage: node consumer-group.js <bootstrap> <topic> <group> <expected records>
// Consumes the topic as a member of the group until every key was seen, disconnects (committing), and
// prints one line: "seen=<keys seen> committed=<sum of committed offsets> state=<group state>".
const { Kafka, logLevel } = require('kafkajs');

const [bootstrap, topic, groupId, expectedText] = process.argv.slice(2);
const expected = Number(expectedText);
const kafka = new Kafka({ clientId: 'strata-kafkajs', brokers: [bootstrap], logLevel: logLevel.ERROR });

(async () => {
  const consumer = kafka.consumer({ groupId, sessionTimeout: 10000, heartbeatInterval: 1000 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const seen = new Set();
  await new Promise((resolve) => {
    consumer.run({
      eachMessage: async ({ message }) => {
        seen.add(message.key.toString());
        if (seen.size === expected) resolve();
      },
    });
  });
  await consumer.disconnect();
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
  const committed = offsets[0].partitions.reduce((sum, p) => sum + Number(p.offset), 0);
  const described = await admin.describeGroups([groupId]);
  await admin.disconnect();
  console.log(`seen=${seen.size} committed=${committed} state=${described.groups[0].state}`);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});

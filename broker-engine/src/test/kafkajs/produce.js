// Usage: node produce.js <bootstrap> <topic> <records> <none|gzip>
// Sends keyed records with a header, 50 per request (one batch each), acks=all, and prints "sent=<n>".
const { Kafka, CompressionTypes, logLevel } = require('kafkajs');

const [bootstrap, topic, countText, codec] = process.argv.slice(2);
const count = Number(countText);
const kafka = new Kafka({ clientId: 'strata-kafkajs', brokers: [bootstrap], logLevel: logLevel.ERROR });
const compression = codec === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None;

(async () => {
  const producer = kafka.producer();
  await producer.connect();
  let sent = 0;
  while (sent < count) {
    const messages = [];
    for (let i = sent; i < Math.min(count, sent + 50); i++) {
      messages.push({ key: `key-${i}`, value: `value-${i} ${'payload '.repeat(i % 20)}`, headers: { seq: `${i}` } });
    }
    await producer.send({ topic, acks: -1, compression, messages });
    sent += messages.length;
  }
  await producer.disconnect();
  console.log(`sent=${sent}`);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});

package io.strata.platform.http;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Strata's record reads: a stateless page at an offset or time, and live tails over SSE that resume. */
class RecordReadV3Test extends HttpPlatformTestBase {

    @Test
    void aPageOfRecordsIsReadAtAnOffsetWithALinkToTheNext() throws Exception {
        createTopic("read-page", 1);
        produce("read-page", 0, 0, 10, 1_000_000L);
        var page = http().get(v3("/topics/read-page/partitions/0/records?offset=3&limit=4&format=string"));
        assertThat(page.status()).as(page.body()).isEqualTo(200);
        JsonNode body = page.json();
        assertThat(body.get("kind").asString()).isEqualTo("KafkaRecordList");
        assertThat(body.get("data")).extracting(r -> r.get("offset").asLong()).containsExactly(3L, 4L, 5L, 6L);
        assertThat(body.at("/data/0/value/data").asString()).isEqualTo("value-3");
        assertThat(body.at("/data/0/value/type").asString()).isEqualTo("STRING");
        assertThat(body.at("/data/0/key/data").asString()).isEqualTo("key-3");
        assertThat(body.at("/data/0/headers/0/name").asString()).isEqualTo("n");
        assertThat(body.get("end_offset").asLong()).isEqualTo(10);
        assertThat(body.get("next_offset").asLong()).isEqualTo(7);
        String next = body.at("/metadata/next").asString();
        assertThat(next).contains("offset=7");

        var last = http().get(next.substring(http().base().length()));
        assertThat(last.json().get("data")).extracting(r -> r.get("offset").asLong()).containsExactly(7L, 8L, 9L);
        assertThat(last.json().at("/metadata/next").isNull()).isTrue();
    }

    @Test
    void pagingThroughAPartitionReturnsEveryRecordOnceInOrderAcrossJumpsAndDeletions() throws Exception {
        createTopic("read-paging", 1);
        produce("read-paging", 0, 0, 500, 1_000_000L);
        // Each page's poll fetches far more than its 7 records; the next page continues from those.
        List<Long> offsets = new ArrayList<>();
        long offset = 0;
        for (int page = 0; page < 10; page++) {
            JsonNode body = http().get(v3("/topics/read-paging/partitions/0/records?offset=" + offset
                    + "&limit=7&format=string")).json();
            for (JsonNode record : body.get("data")) {
                offsets.add(record.get("offset").asLong());
                assertThat(record.at("/value/data").asString()).isEqualTo("value-" + record.get("offset").asLong());
            }
            offset = body.get("next_offset").asLong();
        }
        assertThat(offsets).containsExactlyElementsOf(java.util.stream.LongStream.range(0, 70).boxed().toList());

        // A jump back, and a jump forward, read what is there, not what the paging cursor held.
        assertThat(http().get(v3("/topics/read-paging/partitions/0/records?offset=3&limit=2")).json().get("data"))
                .extracting(r -> r.get("offset").asLong()).containsExactly(3L, 4L);
        assertThat(http().get(v3("/topics/read-paging/partitions/0/records?offset=400&limit=2")).json().get("data"))
                .extracting(r -> r.get("offset").asLong()).containsExactly(400L, 401L);

        // Records deleted after a cursor fetched them are not answered from it.
        JsonNode before = http().get(v3("/topics/read-paging/partitions/0/records?offset=100&limit=5")).json();
        assertThat(before.get("next_offset").asLong()).isEqualTo(105);
        kafkaAdmin().deleteRecords(java.util.Map.of(new org.apache.kafka.common.TopicPartition("read-paging", 0),
                org.apache.kafka.clients.admin.RecordsToDelete.beforeOffset(110))).all().get();
        JsonNode after = http().get(v3("/topics/read-paging/partitions/0/records?offset=105&limit=5")).json();
        assertThat(after.get("beginning_offset").asLong()).isEqualTo(110);
        assertThat(after.get("data")).extracting(r -> r.get("offset").asLong())
                .containsExactly(110L, 111L, 112L, 113L, 114L);
    }

    @Test
    void aReadAtATimeStartsAtTheFirstRecordAtOrAfterIt() throws Exception {
        createTopic("read-time", 1);
        produce("read-time", 0, 0, 5, 1_000_000L);
        var page = http().get(v3("/topics/read-time/partitions/0/records?timestamp=1000002&format=auto"));
        assertThat(page.json().get("data")).extracting(r -> r.get("offset").asLong()).containsExactly(2L, 3L, 4L);
        var iso = http().get(v3("/topics/read-time/partitions/0/records?timestamp=1970-01-01T00:16:40.004Z"));
        assertThat(iso.json().get("data")).extracting(r -> r.get("offset").asLong()).containsExactly(4L);
        assertThat(iso.json().at("/data/0/value/type").asString()).isEqualTo("BINARY");
    }

    @Test
    void readingAnUnknownPartitionOrWithABadFormatIsRefused() throws Exception {
        createTopic("read-errors", 1);
        var unknown = http().get(v3("/topics/read-errors/partitions/3/records"));
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("error_code").asInt()).isEqualTo(40403);
        var format = http().get(v3("/topics/read-errors/partitions/0/records?format=yaml"));
        assertThat(format.status()).isEqualTo(400);

        var missing = http().get(v3("/topics/read-no-such-topic/partitions/0/records"));
        assertThat(missing.status()).isEqualTo(404);
        var missingTail = http().get(v3("/topics/read-no-such-topic/records"), "Accept", "text/event-stream");
        assertThat(missingTail.status()).isEqualTo(404);
        assertThat(kafkaAdmin().listTopics().names().get()).as("a read never creates the topic it names")
                .doesNotContain("read-no-such-topic");
    }

    @Test
    void aPartitionTailResumedWithLastEventIdMissesAndRepeatsNothing() throws Exception {
        createTopic("tail-partition", 1);
        String url = http().base() + v3("/topics/tail-partition/partitions/0/records?from=earliest&format=string");
        List<String> seen = new ArrayList<>();
        produce("tail-partition", 0, 0, 50, System.currentTimeMillis());
        String lastId;
        try (SseEvents events = new SseEvents(url, null)) {
            assertThat(events.status()).isEqualTo(200);
            lastId = collect(events, seen, 20);
        }
        produce("tail-partition", 0, 50, 30, System.currentTimeMillis());
        try (SseEvents events = new SseEvents(url, lastId)) {
            collect(events, seen, 80);
            assertThat(events.next(Duration.ofSeconds(1))).as("nothing beyond what was produced").isNull();
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            expected.add("value-" + i);
        }
        assertThat(seen).containsExactlyElementsOf(expected);
    }

    @Test
    void aTopicTailResumesEveryPartitionFromItsToken() throws Exception {
        createTopic("tail-topic", 2);
        String url = http().base() + v3("/topics/tail-topic/records?from=earliest&format=string");
        List<String> seen = new ArrayList<>();
        produce("tail-topic", 0, 0, 10, System.currentTimeMillis());
        produce("tail-topic", 1, 100, 10, System.currentTimeMillis());
        String token;
        try (SseEvents events = new SseEvents(url, null)) {
            token = collect(events, seen, 15);
        }
        produce("tail-topic", 0, 10, 5, System.currentTimeMillis());
        try (SseEvents events = new SseEvents(url, token)) {
            collect(events, seen, 25);
            assertThat(events.next(Duration.ofSeconds(1))).isNull();
        }
        assertThat(seen).hasSize(25).doesNotHaveDuplicates();
        assertThat(seen).contains("value-0", "value-14", "value-100", "value-109");
    }

    @Test
    void aGroupTailShowsWhatTheGroupReadsNextWithoutJoiningIt() throws Exception {
        createTopic("tail-group", 1);
        produce("tail-group", 0, 0, 10, System.currentTimeMillis());
        kafkaAdmin().alterConsumerGroupOffsets("tail-group-readers", java.util.Map.of(
                new org.apache.kafka.common.TopicPartition("tail-group", 0),
                new org.apache.kafka.clients.consumer.OffsetAndMetadata(6))).all().get();
        String url = http().base() + v3("/consumer-groups/tail-group-readers/records?format=string");
        List<String> seen = new ArrayList<>();
        String token;
        try (SseEvents events = new SseEvents(url, null)) {
            token = collect(events, seen, 2);
        }
        try (SseEvents events = new SseEvents(url, token)) {
            collect(events, seen, 4);
            assertThat(events.next(Duration.ofSeconds(1))).isNull();
        }
        assertThat(seen).containsExactly("value-6", "value-7", "value-8", "value-9");
        var group = kafkaAdmin().describeConsumerGroups(List.of("tail-group-readers")).all().get()
                .get("tail-group-readers");
        assertThat(group.members()).as("the tail never joined the group").isEmpty();

        var unknown = http().get(v3("/consumer-groups/tail-group-nobody/records"), "Accept", "text/event-stream");
        assertThat(unknown.status()).isEqualTo(404);
    }

    private String collect(SseEvents events, List<String> seen, int until) throws InterruptedException {
        String lastId = null;
        while (seen.size() < until) {
            SseEvents.Event event = events.next(Duration.ofSeconds(30));
            assertThat(event).as("event %d of %d", seen.size() + 1, until).isNotNull();
            assertThat(event.name()).isEqualTo("record");
            seen.add(HttpTestClient.JSON.readTree(event.data()).at("/value/data").asString());
            lastId = event.id();
        }
        return lastId;
    }

    private void produce(String topic, int partition, int from, int count, long firstTimestamp) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = kafkaProducer()) {
            for (int i = from; i < from + count; i++) {
                var record = new ProducerRecord<>(topic, partition, firstTimestamp + i - from,
                        ("key-" + i).getBytes(StandardCharsets.UTF_8), ("value-" + i).getBytes(StandardCharsets.UTF_8));
                record.headers().add("n", Integer.toString(i).getBytes(StandardCharsets.UTF_8));
                producer.send(record);
            }
            producer.flush();
        }
    }
}

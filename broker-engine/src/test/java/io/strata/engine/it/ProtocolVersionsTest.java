package io.strata.engine.it;

import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeLogDirsRequestData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.DeleteGroupsRequest;
import org.apache.kafka.common.requests.DeleteGroupsResponse;
import org.apache.kafka.common.requests.DescribeGroupsRequest;
import org.apache.kafka.common.requests.DescribeGroupsResponse;
import org.apache.kafka.common.requests.DescribeLogDirsRequest;
import org.apache.kafka.common.requests.DescribeLogDirsResponse;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.FindCoordinatorResponse;
import org.apache.kafka.common.requests.HeartbeatRequest;
import org.apache.kafka.common.requests.HeartbeatResponse;
import org.apache.kafka.common.requests.JoinGroupRequest;
import org.apache.kafka.common.requests.JoinGroupResponse;
import org.apache.kafka.common.requests.LeaveGroupRequest;
import org.apache.kafka.common.requests.LeaveGroupResponse;
import org.apache.kafka.common.requests.ListGroupsRequest;
import org.apache.kafka.common.requests.ListGroupsResponse;
import org.apache.kafka.common.requests.ListOffsetsRequest;
import org.apache.kafka.common.requests.ListOffsetsResponse;
import org.apache.kafka.common.requests.OffsetCommitRequest;
import org.apache.kafka.common.requests.OffsetCommitResponse;
import org.apache.kafka.common.requests.OffsetFetchRequest;
import org.apache.kafka.common.requests.OffsetFetchResponse;
import org.apache.kafka.common.requests.SyncGroupRequest;
import org.apache.kafka.common.requests.SyncGroupResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The advertised version table, pinned, and every version the broker advertises for ApiVersions,
 * ListOffsets, DeleteGroups and the group lifecycle APIs, sent as raw requests: each must be answered (not a closed connection)
 * with the right data. Old clients such as librdkafka use old versions, whose responses may not carry
 * fields newer versions have.
 */
class ProtocolVersionsTest {
    private static final String TOPIC = "versions";

    @TempDir
    static Path dataDir;

    /**
     * What ApiVersions must list. A kafka-clients upgrade must not change it: widening a range is a
     * deliberate change to a handler and to this table.
     */
    private static final Map<ApiKeys, String> PINNED = Map.ofEntries(
            Map.entry(ApiKeys.PRODUCE, "3-13"),
            Map.entry(ApiKeys.FETCH, "4-18"),
            Map.entry(ApiKeys.LIST_OFFSETS, "1-11"),
            Map.entry(ApiKeys.METADATA, "0-13"),
            Map.entry(ApiKeys.OFFSET_COMMIT, "2-10"),
            Map.entry(ApiKeys.OFFSET_FETCH, "1-10"),
            Map.entry(ApiKeys.FIND_COORDINATOR, "0-6"),
            Map.entry(ApiKeys.JOIN_GROUP, "0-9"),
            Map.entry(ApiKeys.HEARTBEAT, "0-4"),
            Map.entry(ApiKeys.LEAVE_GROUP, "0-5"),
            Map.entry(ApiKeys.SYNC_GROUP, "0-5"),
            Map.entry(ApiKeys.DESCRIBE_GROUPS, "0-6"),
            Map.entry(ApiKeys.LIST_GROUPS, "0-5"),
            Map.entry(ApiKeys.API_VERSIONS, "0-5"),
            Map.entry(ApiKeys.UPDATE_FEATURES, "0-2"),
            Map.entry(ApiKeys.CREATE_TOPICS, "2-7"),
            Map.entry(ApiKeys.DELETE_TOPICS, "1-6"),
            Map.entry(ApiKeys.DELETE_RECORDS, "0-2"),
            Map.entry(ApiKeys.INIT_PRODUCER_ID, "0-5"),
            Map.entry(ApiKeys.OFFSET_FOR_LEADER_EPOCH, "2-4"),
            Map.entry(ApiKeys.DESCRIBE_CONFIGS, "1-4"),
            Map.entry(ApiKeys.ALTER_CONFIGS, "0-2"),
            Map.entry(ApiKeys.CREATE_PARTITIONS, "0-3"),
            Map.entry(ApiKeys.DELETE_GROUPS, "0-3"),
            Map.entry(ApiKeys.INCREMENTAL_ALTER_CONFIGS, "0-1"),
            Map.entry(ApiKeys.OFFSET_DELETE, "0-0"),
            Map.entry(ApiKeys.DESCRIBE_CLUSTER, "0-2"),
            Map.entry(ApiKeys.DESCRIBE_LOG_DIRS, "1-4"),
            Map.entry(ApiKeys.ADD_PARTITIONS_TO_TXN, "0-5"),
            Map.entry(ApiKeys.ADD_OFFSETS_TO_TXN, "0-4"),
            Map.entry(ApiKeys.END_TXN, "0-5"),
            Map.entry(ApiKeys.WRITE_TXN_MARKERS, "1-2"),
            Map.entry(ApiKeys.DESCRIBE_PRODUCERS, "0-0"),
            Map.entry(ApiKeys.TXN_OFFSET_COMMIT, "0-5"),
            Map.entry(ApiKeys.DESCRIBE_TRANSACTIONS, "0-0"),
            Map.entry(ApiKeys.LIST_TRANSACTIONS, "0-2"));

    private static BrokerFixture fixture;
    private static Uuid topicId;
    /** The broker's ApiVersions answer; the tests below walk its ranges. */
    private static ApiVersionsResponseData advertised;

    @BeforeAll
    static void start() throws Exception {
        fixture = BrokerFixture.start(dataDir);
        fixture.createTopic(fixture.admin(), TOPIC, 1, Map.of());
        KafkaProducer<String, String> producer = fixture.producer(Map.of());
        for (int i = 0; i < 3; i++) {
            producer.send(new ProducerRecord<>(TOPIC, 0, "k", "v" + i)).get();
        }
        topicId = fixture.admin().describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC).topicId();
        try (RawKafkaConnection c = new RawKafkaConnection(fixture.bootstrapServers())) {
            ApiVersionsResponse response = c.send(new ApiVersionsRequest.Builder(), (short) 3);
            assertThat(response.data().errorCode()).isEqualTo(Errors.NONE.code());
            advertised = response.data();
        }
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void advertisedTableIsPinned() {
        assertThat(table(advertised)).isEqualTo(new EnumMap<>(PINNED));
    }

    @Test
    void apiVersionsAtEveryVersion() throws Exception {
        try (RawKafkaConnection c = new RawKafkaConnection(fixture.bootstrapServers())) {
            for (short v = min(ApiKeys.API_VERSIONS); v <= max(ApiKeys.API_VERSIONS); v++) {
                ApiVersionsResponse response = c.send(new ApiVersionsRequest.Builder(), v);
                assertThat(response.data().errorCode()).as("v%d", v).isEqualTo(Errors.NONE.code());
                assertThat(table(response.data())).as("v%d", v).isEqualTo(table(advertised));
            }
        }
    }

    @Test
    void aV5ApiVersionsNamingAnotherClusterOrNodeIsToldToRebootstrap() throws Exception {
        DescribeClusterResult cluster = fixture.admin().describeCluster();
        String clusterId = cluster.clusterId().get();
        int nodeId = cluster.nodes().get().iterator().next().id();
        try (RawKafkaConnection c = new RawKafkaConnection(fixture.bootstrapServers())) {
            assertThat(apiVersionsV5(c, clusterId, nodeId).errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(table(apiVersionsV5(c, clusterId, nodeId))).isEqualTo(table(advertised));
            assertThat(apiVersionsV5(c, "another-cluster", nodeId).errorCode())
                    .isEqualTo(Errors.REBOOTSTRAP_REQUIRED.code());
            assertThat(apiVersionsV5(c, clusterId, nodeId + 1).errorCode())
                    .isEqualTo(Errors.REBOOTSTRAP_REQUIRED.code());
            assertThat(apiVersionsV5(c, null, -1).errorCode()).as("a bootstrap connection names neither")
                    .isEqualTo(Errors.NONE.code());
        }
    }

    private static ApiVersionsResponseData apiVersionsV5(RawKafkaConnection c, String clusterId, int nodeId)
            throws Exception {
        ApiVersionsRequest.Builder builder = new ApiVersionsRequest.Builder();
        builder.setClusterId(clusterId);
        builder.setNodeId(nodeId);
        ApiVersionsResponse response = c.send(builder, (short) 5);
        return response.data();
    }

    @Test
    void listOffsetsAtEveryVersion() throws Exception {
        try (RawKafkaConnection c = new RawKafkaConnection(fixture.bootstrapServers())) {
            for (short v = min(ApiKeys.LIST_OFFSETS); v <= max(ApiKeys.LIST_OFFSETS); v++) {
                ListOffsetsRequestData.ListOffsetsTopic topic = new ListOffsetsRequestData.ListOffsetsTopic().setName(TOPIC);
                topic.partitions().add(new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(0)
                        .setTimestamp(ListOffsetsRequest.LATEST_TIMESTAMP));
                ListOffsetsResponse response = c.send(ListOffsetsRequest.Builder
                        .forConsumer(false, IsolationLevel.READ_UNCOMMITTED).setTargetTimes(List.of(topic)), v);

                var partition = response.data().topics().get(0).partitions().get(0);
                assertThat(Errors.forCode(partition.errorCode())).as("v%d", v).isEqualTo(Errors.NONE);
                assertThat(partition.offset()).as("v%d", v).isEqualTo(3);
            }
        }
    }

    @Test
    void groupLifecycleAtEveryVersion() throws Exception {
        try (RawKafkaConnection c = new RawKafkaConnection(fixture.bootstrapServers())) {
            for (short v = min(ApiKeys.FIND_COORDINATOR); v <= max(ApiKeys.FIND_COORDINATOR); v++) {
                FindCoordinatorRequestData data = new FindCoordinatorRequestData().setKeyType((byte) 0);
                if (v < FindCoordinatorRequest.MIN_BATCHED_VERSION) {
                    data.setKey("g");
                } else {
                    data.setCoordinatorKeys(List.of("g"));
                }
                FindCoordinatorResponse response = c.send(new FindCoordinatorRequest.Builder(data), v);
                assertThat(response.coordinatorByKey("g").map(x -> Errors.forCode(x.errorCode())))
                        .as("v%d", v).hasValue(Errors.NONE);
            }
            String member = null;
            for (short v = min(ApiKeys.JOIN_GROUP); v <= max(ApiKeys.JOIN_GROUP); v++) {
                member = join(c, "join-v" + v, v);
            }
            member = join(c, "g", max(ApiKeys.JOIN_GROUP));
            for (short v = min(ApiKeys.SYNC_GROUP); v <= max(ApiKeys.SYNC_GROUP); v++) {
                SyncGroupRequestData data = new SyncGroupRequestData().setGroupId("g").setMemberId(member)
                        .setGenerationId(1).setProtocolType("consumer").setProtocolName("range");
                data.assignments().add(new SyncGroupRequestData.SyncGroupRequestAssignment().setMemberId(member)
                        .setAssignment(new byte[]{4, 2}));
                SyncGroupResponse response = c.send(new SyncGroupRequest.Builder(data), v);
                assertThat(response.error()).as("v%d", v).isEqualTo(Errors.NONE);
                assertThat(response.data().assignment()).as("v%d", v).containsExactly(4, 2);
            }
            for (short v = min(ApiKeys.HEARTBEAT); v <= max(ApiKeys.HEARTBEAT); v++) {
                HeartbeatResponse response = c.send(new HeartbeatRequest.Builder(new HeartbeatRequestData()
                        .setGroupId("g").setMemberId(member).setGenerationId(1)), v);
                assertThat(response.error()).as("v%d", v).isEqualTo(Errors.NONE);
            }
            for (short v = min(ApiKeys.OFFSET_COMMIT); v <= max(ApiKeys.OFFSET_COMMIT); v++) {
                OffsetCommitRequestData data = new OffsetCommitRequestData().setGroupId("g").setMemberId(member)
                        .setGenerationIdOrMemberEpoch(1);
                OffsetCommitRequestData.OffsetCommitRequestTopic topic = new OffsetCommitRequestData.OffsetCommitRequestTopic()
                        .setName(TOPIC).setTopicId(topicId);
                topic.partitions().add(new OffsetCommitRequestData.OffsetCommitRequestPartition()
                        .setPartitionIndex(0).setCommittedOffset(v).setCommittedMetadata("m" + v));
                data.topics().add(topic);
                OffsetCommitResponse response = c.send(OffsetCommitRequest.Builder.forTopicIdsOrNames(data), v);
                assertThat(response.errorCounts()).as("v%d", v).containsOnlyKeys(Errors.NONE);

                for (short f = min(ApiKeys.OFFSET_FETCH); f <= max(ApiKeys.OFFSET_FETCH); f++) {
                    assertThat(fetchOffset(c, "g", f)).as("commit v%d fetch v%d", v, f).isEqualTo(v);
                }
            }
            for (short v = min(ApiKeys.DESCRIBE_GROUPS); v <= max(ApiKeys.DESCRIBE_GROUPS); v++) {
                DescribeGroupsResponse response = c.send(new DescribeGroupsRequest.Builder(
                        new DescribeGroupsRequestData().setGroups(List.of("g", "no-such-group"))), v);
                var g = response.data().groups().get(0);
                assertThat(g.groupState()).as("v%d", v).isEqualTo("Stable");
                assertThat(g.protocolData()).as("v%d", v).isEqualTo("range");
                assertThat(g.members()).as("v%d", v).singleElement()
                        .satisfies(m -> assertThat(m.memberAssignment()).containsExactly(4, 2));
                var missing = response.data().groups().get(1);
                assertThat(missing.groupState()).isEqualTo("Dead");
                assertThat(Errors.forCode(missing.errorCode())).as("v%d", v)
                        .isEqualTo(v >= 6 ? Errors.GROUP_ID_NOT_FOUND : Errors.NONE);
            }
            for (short v = min(ApiKeys.LIST_GROUPS); v <= max(ApiKeys.LIST_GROUPS); v++) {
                ListGroupsRequestData data = new ListGroupsRequestData();
                if (v >= 4) {
                    data.setStatesFilter(List.of("stable"));
                }
                ListGroupsResponse response = c.send(new ListGroupsRequest.Builder(data), v);
                assertThat(response.data().groups()).as("v%d", v)
                        .anySatisfy(g -> assertThat(g.groupId()).isEqualTo("g"));
            }
            for (short v = min(ApiKeys.LEAVE_GROUP); v <= max(ApiKeys.LEAVE_GROUP); v++) {
                String leaving = join(c, "leave-v" + v, max(ApiKeys.JOIN_GROUP));
                LeaveGroupResponse response = c.send(new LeaveGroupRequest.Builder("leave-v" + v,
                        List.of(new LeaveGroupRequestData.MemberIdentity().setMemberId(leaving))), v);
                assertThat(response.error()).as("v%d", v).isEqualTo(Errors.NONE);
                assertThat(response.memberResponses()).as("v%d", v)
                        .allSatisfy(m -> assertThat(m.errorCode()).isZero());
            }
        }
    }

    @Test
    void deleteRecordsAtEveryVersion() throws Exception {
        String topic = "versions-trimmed";
        fixture.createTopic(fixture.admin(), topic, 1, Map.of());
        KafkaProducer<String, String> producer = fixture.producer(Map.of());
        for (int i = 0; i < 5; i++) {
            producer.send(new ProducerRecord<>(topic, 0, "k", "v" + i)).get();
        }
        try (RawKafkaConnection c = new RawKafkaConnection(fixture.bootstrapServers())) {
            for (short v = min(ApiKeys.DELETE_RECORDS); v <= max(ApiKeys.DELETE_RECORDS); v++) {
                org.apache.kafka.common.message.DeleteRecordsRequestData data =
                        new org.apache.kafka.common.message.DeleteRecordsRequestData().setTimeoutMs(10_000);
                data.topics().add(new org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsTopic()
                        .setName(topic).setPartitions(List.of(
                                new org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsPartition()
                                        .setPartitionIndex(0).setOffset(v + 1))));
                org.apache.kafka.common.requests.DeleteRecordsResponse response =
                        c.send(new org.apache.kafka.common.requests.DeleteRecordsRequest.Builder(data), v);
                var result = response.data().topics().find(topic).partitions().find(0);
                assertThat(result.errorCode()).as("v%d", v).isZero();
                assertThat(result.lowWatermark()).as("v%d", v).isEqualTo(v + 1);
            }
        }
    }

    @Test
    void deleteGroupsAtEveryVersion() throws Exception {
        try (RawKafkaConnection c = new RawKafkaConnection(fixture.bootstrapServers())) {
            for (short v = min(ApiKeys.DELETE_GROUPS); v <= max(ApiKeys.DELETE_GROUPS); v++) {
                String group = "delete-v" + v;
                // A standalone commit (no members) leaves an empty group that can be deleted.
                OffsetCommitRequestData commit = new OffsetCommitRequestData().setGroupId(group)
                        .setGenerationIdOrMemberEpoch(-1);
                OffsetCommitRequestData.OffsetCommitRequestTopic topic = new OffsetCommitRequestData.OffsetCommitRequestTopic()
                        .setName(TOPIC).setTopicId(topicId);
                topic.partitions().add(new OffsetCommitRequestData.OffsetCommitRequestPartition()
                        .setPartitionIndex(0).setCommittedOffset(2));
                commit.topics().add(topic);
                OffsetCommitResponse committed = c.send(OffsetCommitRequest.Builder.forTopicIdsOrNames(commit),
                        max(ApiKeys.OFFSET_COMMIT));
                assertThat(committed.errorCounts()).containsOnlyKeys(Errors.NONE);

                DeleteGroupsRequestData data = new DeleteGroupsRequestData().setGroupsNames(List.of(group, group + "-missing"));
                DeleteGroupsResponse response = c.send(new DeleteGroupsRequest.Builder(data), v);
                assertThat(response.errors()).as("v%d", v).containsExactlyInAnyOrderEntriesOf(Map.of(
                        group, Errors.NONE, group + "-missing", Errors.GROUP_ID_NOT_FOUND));
                assertThat(fetchOffset(c, group, max(ApiKeys.OFFSET_FETCH))).as("v%d", v).isEqualTo(-1);
            }
        }
    }

    @Test
    void describeLogDirsAtEveryVersion() throws Exception {
        try (RawKafkaConnection c = new RawKafkaConnection(fixture.bootstrapServers())) {
            for (short v = min(ApiKeys.DESCRIBE_LOG_DIRS); v <= max(ApiKeys.DESCRIBE_LOG_DIRS); v++) {
                DescribeLogDirsRequestData data = new DescribeLogDirsRequestData();
                data.topics().add(new DescribeLogDirsRequestData.DescribableLogDirTopic().setTopic(TOPIC)
                        .setPartitions(List.of(0)));
                DescribeLogDirsResponse response = c.send(new DescribeLogDirsRequest.Builder(data), v);
                assertThat(response.data().results()).as("v%d", v).singleElement().satisfies(dir -> {
                    assertThat(dir.errorCode()).isZero();
                    assertThat(dir.topics()).singleElement().satisfies(t -> assertThat(t.partitions())
                            .singleElement().satisfies(p -> assertThat(p.partitionSize()).isPositive()));
                });
            }
        }
    }

    private static Map<ApiKeys, String> table(ApiVersionsResponseData data) {
        Map<ApiKeys, String> table = new EnumMap<>(ApiKeys.class);
        for (ApiVersionsResponseData.ApiVersion v : data.apiKeys()) {
            table.put(ApiKeys.forId(v.apiKey()), v.minVersion() + "-" + v.maxVersion());
        }
        return table;
    }

    private static short min(ApiKeys api) {
        return advertised.apiKeys().find(api.id).minVersion();
    }

    private static short max(ApiKeys api) {
        return advertised.apiKeys().find(api.id).maxVersion();
    }

    private static long fetchOffset(RawKafkaConnection c, String group, short version) throws Exception {
        OffsetFetchRequestData data = new OffsetFetchRequestData();
        if (version < OffsetFetchRequest.BATCH_MIN_VERSION) {
            data.setGroupId(group).setTopics(List.of(new OffsetFetchRequestData.OffsetFetchRequestTopic()
                    .setName(TOPIC).setPartitionIndexes(List.of(0))));
        } else {
            data.setGroups(List.of(new OffsetFetchRequestData.OffsetFetchRequestGroup().setGroupId(group)
                    .setTopics(List.of(new OffsetFetchRequestData.OffsetFetchRequestTopics()
                            .setName(TOPIC).setTopicId(topicId).setPartitionIndexes(List.of(0))))));
        }
        OffsetFetchResponse response = c.send(OffsetFetchRequest.Builder.forTopicIdsOrNames(data, false), version);
        if (version < OffsetFetchRequest.BATCH_MIN_VERSION) {
            var p = response.data().topics().get(0).partitions().get(0);
            assertThat(Errors.forCode(p.errorCode())).isEqualTo(Errors.NONE);
            return p.committedOffset();
        }
        var p = response.data().groups().get(0).topics().get(0).partitions().get(0);
        assertThat(Errors.forCode(p.errorCode())).isEqualTo(Errors.NONE);
        return p.committedOffset();
    }

    /** Joins a single-member group at the given version (with the MEMBER_ID_REQUIRED round trip from v4). */
    private static String join(RawKafkaConnection c, String group, short version) throws Exception {
        ByteBuffer subscription = ConsumerProtocol.serializeSubscription(
                new ConsumerPartitionAssignor.Subscription(List.of(TOPIC)));
        byte[] metadata = new byte[subscription.remaining()];
        subscription.get(metadata);
        JoinGroupRequestData.JoinGroupRequestProtocolCollection protocols =
                new JoinGroupRequestData.JoinGroupRequestProtocolCollection();
        protocols.add(new JoinGroupRequestData.JoinGroupRequestProtocol().setName("range").setMetadata(metadata));
        JoinGroupRequestData data = new JoinGroupRequestData().setGroupId(group).setMemberId("")
                .setProtocolType("consumer").setSessionTimeoutMs(30_000).setRebalanceTimeoutMs(30_000)
                .setProtocols(protocols);
        JoinGroupResponse response = c.send(new JoinGroupRequest.Builder(data), version);
        if (response.error() == Errors.MEMBER_ID_REQUIRED) {
            assertThat(version).isGreaterThanOrEqualTo((short) 4);
            response = c.send(new JoinGroupRequest.Builder(data.setMemberId(response.data().memberId())), version);
        }
        assertThat(response.error()).as("JoinGroup v%d", version).isEqualTo(Errors.NONE);
        assertThat(response.data().generationId()).as("JoinGroup v%d", version).isEqualTo(1);
        assertThat(response.data().leader()).isEqualTo(response.data().memberId());
        return response.data().memberId();
    }
}

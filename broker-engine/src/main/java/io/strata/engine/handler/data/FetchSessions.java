package io.strata.engine.handler.data;

import io.strata.engine.log.segment.FileSlice;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FetchMetadata;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.utils.Time;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * What each fetch request is to the incremental fetch sessions (KIP-227), by its session id and epoch:
 *
 * <table>
 *   <caption>Request metadata and what it does</caption>
 *   <tr><th>epoch</th><th>session id</th><th>fetch</th></tr>
 *   <tr><td>-1 (final)</td><td>any</td><td>full, sessionless; closes the named session, if any</td></tr>
 *   <tr><td>0 (initial)</td><td>any</td><td>full; closes the named session, if any, and opens a new one when the
 *       cache has (or can make) room</td></tr>
 *   <tr><td>n &gt; 0</td><td>a session expecting n</td><td>incremental: the request names only the partitions
 *       whose fetch state changed and those to forget; the response carries only the partitions with news</td></tr>
 *   <tr><td>n &gt; 0</td><td>unknown</td><td>{@code FETCH_SESSION_ID_NOT_FOUND}</td></tr>
 *   <tr><td>n &gt; 0</td><td>a session expecting another epoch</td><td>{@code INVALID_FETCH_SESSION_EPOCH}</td></tr>
 *   <tr><td>n &gt; 0</td><td>a session opened by topic names (ids) from Fetch v13+ (below v13)</td>
 *       <td>{@code FETCH_SESSION_TOPIC_ID_ERROR}</td></tr>
 * </table>
 *
 * An incremental fetch that forgets every partition of its session closes it and is answered sessionless. A
 * follower's fetch still records every partition of its session as fetched at its cached offset, so the ISR and
 * high watermark advance as with full fetches. Thread-safe.
 */
public final class FetchSessions {
    private final FetchSessionCache cache;
    private final PartitionFetchReader reader;
    private final Time time;

    public FetchSessions(PartitionFetchReader reader, Time time) {
        this(new FetchSessionCache(FetchSessionCache.DEFAULT_MAX_SESSIONS, FetchSessionCache.DEFAULT_EVICTION_MS),
                reader, time);
    }

    FetchSessions(FetchSessionCache cache, PartitionFetchReader reader, Time time) {
        this.cache = cache;
        this.reader = reader;
        this.time = time;
    }

    /** Sessions cached (Kafka's NumIncrementalFetchSessions). */
    public int sessions() {
        return cache.size();
    }

    /** Partitions cached over all sessions (NumIncrementalFetchPartitionsCached). */
    public long cachedPartitions() {
        return cache.partitions();
    }

    /** Sessions evicted to make room for others (IncrementalFetchSessionEvictionsPerSec, as a count). */
    public long evictions() {
        return cache.evictions();
    }

    /** Builds the response of the chosen partitions (targets and their answers, in order); session id unset. */
    interface ResponseBuilder extends BiFunction<List<PartitionFetchReader.Target>,
            List<FetchResponseData.PartitionData>, FetchResponseData> {
    }

    /** One fetch request's place in the sessions: the partitions to read and how to answer what was read. */
    final class Context {
        private enum Kind { SESSIONLESS, FULL, INCREMENTAL, ERROR }

        private final Kind kind;
        private final Errors error;
        private final FetchSession session;
        private final int requestEpoch;
        private final boolean privileged;
        private final boolean usesTopicIds;
        private final List<PartitionFetchReader.Target> targets;
        /** An incremental fetch's session keys, one per target (null for other fetches). */
        private final List<FetchSession.Key> sessionKeys;

        private Context(Kind kind, Errors error, FetchSession session, int requestEpoch, boolean privileged,
                        boolean usesTopicIds, List<PartitionFetchReader.Target> targets,
                        List<FetchSession.Key> sessionKeys) {
            this.kind = kind;
            this.error = error;
            this.session = session;
            this.requestEpoch = requestEpoch;
            this.privileged = privileged;
            this.usesTopicIds = usesTopicIds;
            this.targets = targets;
            this.sessionKeys = sessionKeys;
        }

        /** A session error answers at once, with no partitions. */
        Errors error() {
            return error;
        }

        /** The partitions to read, in order: the request's, or for an incremental fetch the whole session's. */
        List<PartitionFetchReader.Target> targets() {
            return targets;
        }

        /**
         * The response to what was read (one answer per target): everything for a full fetch, which may open a
         * session; the partitions with news for an incremental one. Answers left out are released.
         */
        FetchResponseData respond(List<FetchResponseData.PartitionData> answers, ResponseBuilder builder) {
            return switch (kind) {
                case ERROR -> errorResponse(error);
                case SESSIONLESS -> builder.apply(targets, answers).setSessionId(FetchMetadata.INVALID_SESSION_ID);
                case FULL -> {
                    FetchResponseData response = builder.apply(targets, answers);
                    int id = targets.isEmpty() ? FetchMetadata.INVALID_SESSION_ID
                            : cache.maybeCreate(time.milliseconds(), privileged, targets.size(), usesTopicIds,
                                    () -> FetchSession.fromFullFetch(keys(targets), requests(targets), answers));
                    yield response.setSessionId(id);
                }
                case INCREMENTAL -> incremental(answers, builder);
            };
        }

        private FetchResponseData incremental(List<FetchResponseData.PartitionData> answers,
                                              ResponseBuilder builder) {
            synchronized (session) {
                if (session.epoch != FetchMetadata.nextEpoch(requestEpoch)) {
                    // Another request of this session was taken on while this one waited: it is a duplicate.
                    answers.forEach(FetchSessions::release);
                    return errorResponse(Errors.INVALID_FETCH_SESSION_EPOCH).setSessionId(session.id);
                }
                List<Integer> chosen = session.select(sessionKeys, answers);
                List<PartitionFetchReader.Target> sentTargets = new ArrayList<>(chosen.size());
                List<FetchResponseData.PartitionData> sent = new ArrayList<>(chosen.size());
                int next = 0;
                for (int i = 0; i < answers.size(); i++) {
                    if (next < chosen.size() && chosen.get(next) == i) {
                        sentTargets.add(targets.get(i));
                        sent.add(answers.get(i));
                        next++;
                    } else {
                        release(answers.get(i));
                    }
                }
                return builder.apply(sentTargets, sent).setSessionId(session.id);
            }
        }
    }

    /** Places a fetch request among the sessions (see the class comment); Fetch v13+ name topics by id. */
    Context open(FetchRequest request, short version, boolean fromFollower) {
        FetchMetadata metadata = request.metadata();
        boolean byId = version >= 13;
        if (metadata.isFull()) {
            if (metadata.sessionId() != FetchMetadata.INVALID_SESSION_ID) {
                cache.remove(metadata.sessionId());
            }
            Context.Kind kind = metadata.epoch() == FetchMetadata.FINAL_EPOCH ? Context.Kind.SESSIONLESS
                    : Context.Kind.FULL;
            return new Context(kind, null, null, metadata.epoch(), fromFollower, byId,
                    reader.resolve(request.data(), byId), null);
        }
        FetchSession session = cache.get(metadata.sessionId());
        if (session == null) {
            return error(Errors.FETCH_SESSION_ID_NOT_FOUND);
        }
        List<PartitionFetchReader.Target> named = reader.resolve(request.data(), byId);
        List<FetchSession.Key> forgotten = forgotten(request.data(), byId);
        List<PartitionFetchReader.Target> targets;
        List<FetchSession.Key> sessionKeys;
        synchronized (session) {
            if (session.epoch != metadata.epoch()) {
                return error(Errors.INVALID_FETCH_SESSION_EPOCH);
            }
            if (session.usesTopicIds != byId) {
                return error(Errors.FETCH_SESSION_TOPIC_ID_ERROR);
            }
            session.update(keys(named), requests(named), forgotten);
            if (session.size() == 0) {
                targets = null;
                sessionKeys = null;
            } else {
                session.epoch = FetchMetadata.nextEpoch(session.epoch);
                targets = new ArrayList<>(session.size());
                sessionKeys = new ArrayList<>(session.size());
                for (FetchSession.CachedPartition cached : session.snapshot()) {
                    targets.add(reader.target(byId, cached.key.topicId(), cached.key.topic(), cached.request()));
                    sessionKeys.add(cached.key);
                }
            }
        }
        if (targets == null) {
            cache.remove(session.id);
            return new Context(Context.Kind.SESSIONLESS, null, null, metadata.epoch(), fromFollower, byId, named,
                    null);
        }
        cache.touch(session, time.milliseconds());
        return new Context(Context.Kind.INCREMENTAL, null, session, metadata.epoch(), fromFollower, byId, targets,
                sessionKeys);
    }

    private Context error(Errors error) {
        return new Context(Context.Kind.ERROR, error, null, 0, false, false, List.of(), null);
    }

    static FetchResponseData errorResponse(Errors error) {
        return new FetchResponseData().setErrorCode(error.code()).setSessionId(FetchMetadata.INVALID_SESSION_ID);
    }

    private static List<FetchSession.Key> keys(List<PartitionFetchReader.Target> targets) {
        List<FetchSession.Key> keys = new ArrayList<>(targets.size());
        for (PartitionFetchReader.Target target : targets) {
            keys.add(FetchSession.Key.of(target.byId(), target.topicId(), target.topicName(),
                    target.request().partition()));
        }
        return keys;
    }

    private static List<FetchRequestData.FetchPartition> requests(List<PartitionFetchReader.Target> targets) {
        List<FetchRequestData.FetchPartition> requests = new ArrayList<>(targets.size());
        for (PartitionFetchReader.Target target : targets) {
            requests.add(target.request());
        }
        return requests;
    }

    private static List<FetchSession.Key> forgotten(FetchRequestData data, boolean byId) {
        List<FetchSession.Key> keys = new ArrayList<>();
        for (FetchRequestData.ForgottenTopic topic : data.forgottenTopicsData()) {
            for (int partition : topic.partitions()) {
                keys.add(FetchSession.Key.of(byId, topic.topicId(), topic.topic(), partition));
            }
        }
        return keys;
    }

    private static void release(FetchResponseData.PartitionData answer) {
        FileSlice.releaseIfSlice(answer.records());
    }
}

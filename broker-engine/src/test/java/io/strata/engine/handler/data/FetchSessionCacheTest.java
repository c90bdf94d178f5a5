package io.strata.engine.handler.data;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.requests.FetchMetadata;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;

import static org.assertj.core.api.Assertions.assertThat;

class FetchSessionCacheTest {
    private static final long EVICTION_MS = 1_000;
    private static final int NONE = FetchMetadata.INVALID_SESSION_ID;

    private final FetchSessionCache cache = new FetchSessionCache(2, EVICTION_MS);

    @Test
    void aFullCacheTakesNoNewSessionWhileItsSessionsAreInUseAndYoung() {
        int a = create(0, false, 5);
        int b = create(0, false, 5);
        assertThat(a).isNotEqualTo(NONE);
        assertThat(b).isNotEqualTo(NONE).isNotEqualTo(a);
        assertThat(create(10, false, 100)).as("young sessions are not displaced by consumers").isEqualTo(NONE);
        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.evictions()).isZero();
    }

    @Test
    void theSessionUnusedForLongerThanTheEvictionTimeMakesRoomForAnyNewcomer() {
        int a = create(0, false, 5);
        int b = create(0, false, 5);
        cache.touch(cache.get(b), 900);
        int c = create(1_500, false, 1);
        assertThat(c).isNotEqualTo(NONE);
        assertThat(cache.get(a)).as("unused since 0").isNull();
        assertThat(cache.get(b)).isNotNull();
        assertThat(cache.evictions()).isOne();
    }

    @Test
    void aFollowerDisplacesAConsumerAndALargerSessionDisplacesASmallerOldOne() {
        int consumer = create(0, false, 50);
        int follower = create(0, true, 5);
        int newFollower = create(10, true, 1);
        assertThat(newFollower).as("a follower outranks any consumer").isNotEqualTo(NONE);
        assertThat(cache.get(consumer)).isNull();
        assertThat(cache.get(follower)).isNotNull();

        cache.touch(cache.get(follower), 1_100);
        cache.touch(cache.get(newFollower), 1_100);
        assertThat(create(1_200, false, 100)).as("a consumer never displaces a follower").isEqualTo(NONE);
        int bigger = create(1_200, true, 3);
        assertThat(bigger).as("more partitions outrank fewer, among sessions older than the eviction time")
                .isNotEqualTo(NONE);
        assertThat(cache.get(newFollower)).isNull();
        assertThat(create(1_200, true, 2)).as("fewer partitions do not").isEqualTo(NONE);
    }

    @Test
    void partitionsAreCountedOverAllSessions() {
        create(0, false, 3);
        create(0, true, 4);
        assertThat(cache.partitions()).isEqualTo(7);
    }

    private int create(long nowMs, boolean privileged, int partitions) {
        return cache.maybeCreate(nowMs, privileged, partitions, true, () -> {
            LinkedHashMap<FetchSession.Key, FetchSession.CachedPartition> map = new LinkedHashMap<>();
            Uuid topic = Uuid.randomUuid();
            for (int p = 0; p < partitions; p++) {
                FetchSession.Key key = FetchSession.Key.of(true, topic, null, p);
                map.put(key, new FetchSession.CachedPartition(key,
                        new FetchRequestData.FetchPartition().setPartition(p)));
            }
            return map;
        });
    }
}

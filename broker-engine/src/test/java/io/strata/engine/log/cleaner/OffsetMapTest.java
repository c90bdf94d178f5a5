package io.strata.engine.log.cleaner;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OffsetMapTest {

    private static ByteBuffer key(String k) {
        return ByteBuffer.wrap(k.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aKeyMapsToTheLastOffsetPutForIt() {
        OffsetMap map = new OffsetMap(1000 * OffsetMap.SLOT_SIZE);
        map.put(key("a"), 1);
        map.put(key("b"), 2);
        map.put(key("a"), 7);

        assertThat(map.get(key("a"))).isEqualTo(7);
        assertThat(map.get(key("b"))).isEqualTo(2);
        assertThat(map.get(key("c"))).isEqualTo(-1);
        assertThat(map.size()).isEqualTo(2);
        assertThat(map.latestOffset()).isEqualTo(7);
    }

    @Test
    void aNearlyFullMapStillFindsEveryKeyDespiteCollidingSlots() {
        OffsetMap map = new OffsetMap(100 * OffsetMap.SLOT_SIZE);
        int capacity = map.capacity();
        assertThat(capacity).isEqualTo(90);
        for (int i = 0; i < capacity; i++) {
            map.put(key("key-" + i), i);
        }

        assertThat(map.collisions()).as("90 keys in 100 slots collide").isPositive();
        for (int i = 0; i < capacity; i++) {
            assertThat(map.get(key("key-" + i))).isEqualTo(i);
        }
        assertThat(map.hasRoomFor(1)).isFalse();
        assertThatThrownBy(() -> map.put(key("one-too-many"), 1000)).isInstanceOf(IllegalStateException.class);
        map.put(key("key-3"), 2000); // an existing key still updates
        assertThat(map.get(key("key-3"))).isEqualTo(2000);
    }

    @Test
    void clearingEmptiesTheMap() {
        OffsetMap map = new OffsetMap(10 * OffsetMap.SLOT_SIZE);
        map.put(key("a"), 5);
        map.clear();

        assertThat(map.get(key("a"))).isEqualTo(-1);
        assertThat(map.size()).isZero();
        assertThat(map.latestOffset()).isEqualTo(-1);
        assertThat(map.hasRoomFor(map.capacity())).isTrue();
    }
}

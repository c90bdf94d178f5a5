package io.strata.admin.service.consumer;

import io.strata.admin.config.HttpApiProperties;
import io.strata.admin.config.HttpNodeIdentity;
import io.strata.admin.service.consumer.directory.DirectoryEntry;
import io.strata.admin.service.consumer.directory.InstanceDirectory;
import io.strata.admin.service.consumer.directory.InstanceKey;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.util.unit.DataSize;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/** The owner's side of a lease on a fake clock: renewals, giving up before the lapse, release at shutdown. */
class InstanceLeaseKeeperTest {
    private static final Duration LEASE = Duration.ofSeconds(15);
    private static final InstanceKey KEY = new InstanceKey("g", "i");

    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final List<MockConsumer<byte[], byte[]>> consumers = new ArrayList<>();
    private final InstanceDirectory directory = mock(InstanceDirectory.class);
    private final ConsumerInstanceRegistry registry = new ConsumerInstanceRegistry((prefix, config) -> {
        MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
        consumers.add(consumer);
        return consumer;
    }, Map.of(), Duration.ofMinutes(5), System::nanoTime);
    private final HttpNodeIdentity node = new HttpNodeIdentity(new HttpApiProperties(null, DataSize.ofMegabytes(8),
            Duration.ofSeconds(30), Duration.ofMinutes(5), LEASE, "me", "http://me:8080", 1000, null, null, null),
            new MockEnvironment());
    private final LeaseTerms terms = new LeaseTerms(LEASE);
    private InstanceLeaseKeeper keeper;
    private DirectoryEntry claim;

    @BeforeEach
    void holdAnInstance() {
        keeper = new InstanceLeaseKeeper(directory, registry, node, terms, clock::get);
        ConsumerInstanceDefinition definition = new ConsumerInstanceDefinition("g", "i", RecordFormat.BINARY,
                "earliest", false, null, Duration.ofSeconds(1), "read_uncommitted", null, null);
        claim = new DirectoryEntry(definition, "me", "http://me:8080", terms.expiryFrom(clock.get()), 3);
        when(directory.get(KEY)).thenReturn(claim);
        registry.create(definition);
        keeper.hold(claim, clock.get());
    }

    @AfterEach
    void close() {
        keeper.haltWithoutRelease();
        registry.close();
    }

    @Test
    void anOwnerWhoseRenewalsGoUnacknowledgedClosesItsConsumerBeforeTheLeaseLapses() {
        when(directory.writeAsync(eq(KEY), any())).thenReturn(new CompletableFuture<>());
        clock.addAndGet(terms.renewEveryMs());
        keeper.check();
        verify(directory, atLeastOnce()).writeAsync(eq(KEY), any());
        assertThat(registry.find("g", "i")).isNotNull();

        clock.set(claim.leaseExpiresAtMs() - LEASE.toMillis() / 5 - 1);
        keeper.check();
        assertThat(registry.find("g", "i")).as("still within the acknowledged lease").isNotNull();

        clock.incrementAndGet();
        keeper.check();
        assertThat(registry.find("g", "i")).isNull();
        assertThat(consumers.get(0).closed()).isTrue();
        assertThat(keeper.holds(KEY)).isFalse();
        verify(directory, never()).write(eq(KEY), isNull());
    }

    @Test
    void acknowledgedRenewalsKeepTheConsumerPastTheFirstLease() {
        when(directory.writeAsync(eq(KEY), any())).thenReturn(CompletableFuture.completedFuture(mock(RecordMetadata.class)));
        for (long t = 0; t <= LEASE.toMillis() * 2; t += terms.renewEveryMs()) {
            clock.addAndGet(terms.renewEveryMs());
            keeper.check();
        }
        assertThat(registry.find("g", "i")).isNotNull();
        ArgumentCaptor<DirectoryEntry> renewal = ArgumentCaptor.forClass(DirectoryEntry.class);
        verify(directory, atLeastOnce()).writeAsync(eq(KEY), renewal.capture());
        assertThat(renewal.getValue().ownerEpoch()).isEqualTo(3);
        assertThat(renewal.getValue().leaseExpiresAtMs()).isEqualTo(terms.expiryFrom(clock.get()));
    }

    @Test
    void anotherOwnerWithAHigherEpochInTheDirectoryClosesTheConsumerHere() {
        when(directory.get(KEY)).thenReturn(new DirectoryEntry(claim.definition(), "other", "http://other", 
                terms.expiryFrom(clock.get()), 4));
        keeper.check();
        assertThat(registry.find("g", "i")).isNull();
        assertThat(consumers.get(0).closed()).isTrue();
    }

    @Test
    void aLosingClaimOfTheSameEpochByAnotherNodeDoesNotDisturbTheOwner() {
        keeper.lostLater(KEY, 3);
        keeper.check();
        assertThat(registry.find("g", "i")).isNotNull();
    }

    @Test
    void atShutdownTheConsumerIsClosedAndTheLeaseReleased() {
        when(directory.writeAsync(eq(KEY), any())).thenReturn(CompletableFuture.completedFuture(mock(RecordMetadata.class)));
        keeper.releaseAll();
        assertThat(consumers.get(0).closed()).isTrue();
        ArgumentCaptor<DirectoryEntry> release = ArgumentCaptor.forClass(DirectoryEntry.class);
        verify(directory).writeAsync(eq(KEY), release.capture());
        assertThat(release.getValue().leaseExpiresAtMs()).isZero();
        assertThat(release.getValue().ownerEpoch()).isEqualTo(3);
    }

    @Test
    void deletingAnInstanceWritesItsTombstone() {
        registry.delete("g", "i");
        verify(directory).write(eq(KEY), isNull());
        assertThat(keeper.holds(KEY)).isFalse();
    }
}

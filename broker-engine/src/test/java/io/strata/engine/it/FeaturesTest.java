package io.strata.engine.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.FeatureMetadata;
import org.apache.kafka.clients.admin.FeatureUpdate;
import org.apache.kafka.clients.admin.FinalizedVersionRange;
import org.apache.kafka.clients.admin.SupportedVersionRange;
import org.apache.kafka.clients.admin.UpdateFeaturesOptions;
import org.apache.kafka.common.errors.InvalidUpdateVersionException;
import org.apache.kafka.common.message.UpdateFeaturesRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.UpdateFeaturesRequest;
import org.apache.kafka.common.requests.UpdateFeaturesResponse;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Feature versioning (KIP-584) with a real Admin client, as {@code kafka-features.sh describe|upgrade|downgrade}
 * use it: ApiVersions reports the supported and finalized {@code transaction.version} with an epoch kept in the
 * metadata store, and UpdateFeatures changes it all or nothing.
 */
class FeaturesTest extends BrokerTestBase {
    private static final String TV = "transaction.version";

    @Test
    void aNewClusterFinalizesTheTransactionVersionItServesWithAnEpoch() throws Exception {
        fixture = BrokerFixture.start(dataDir);
        FeatureMetadata features = fixture.admin().describeFeatures().featureMetadata().get();

        assertThat(features.supportedFeatures()).containsEntry(TV, new SupportedVersionRange((short) 0, (short) 2));
        assertThat(features.finalizedFeatures()).as("Kafka 4.x's default for a new cluster")
                .containsEntry(TV, new FinalizedVersionRange((short) 2, (short) 2));
        assertThat(features.finalizedFeaturesEpoch()).hasValueSatisfying(epoch -> assertThat(epoch).isNotNegative());
    }

    @Test
    void aDowngradeNeedsADowngradeTypeAndGrowsTheEpochAndTheLevelSurvivesARestart() throws Exception {
        fixture = BrokerFixture.start(dataDir);
        Admin admin = fixture.admin();
        long epoch = admin.describeFeatures().featureMetadata().get().finalizedFeaturesEpoch().orElseThrow();

        try (RawKafkaConnection c = new RawKafkaConnection(fixture.bootstrapServers())) {
            // The Admin client refuses this itself; the broker must too.
            UpdateFeaturesRequestData lower = new UpdateFeaturesRequestData();
            lower.featureUpdates().add(new UpdateFeaturesRequestData.FeatureUpdateKey().setFeature(TV)
                    .setMaxVersionLevel((short) 0).setUpgradeType(FeatureUpdate.UpgradeType.UPGRADE.code()));
            UpdateFeaturesResponse response = c.send(new UpdateFeaturesRequest.Builder(lower), (short) 1);
            assertThat(response.topLevelError().error()).isEqualTo(Errors.INVALID_UPDATE_VERSION);
            assertThat(response.data().results().find(TV).errorCode()).isEqualTo(Errors.INVALID_UPDATE_VERSION.code());
        }
        assertThat(finalized(admin)).containsKey(TV);
        update(admin, 0, FeatureUpdate.UpgradeType.SAFE_DOWNGRADE, true);
        assertThat(finalized(admin)).as("validate only").containsKey(TV);

        update(admin, 0, FeatureUpdate.UpgradeType.SAFE_DOWNGRADE, false);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            FeatureMetadata features = admin.describeFeatures().featureMetadata().get();
            assertThat(features.finalizedFeatures()).doesNotContainKey(TV);
            assertThat(features.finalizedFeaturesEpoch()).hasValueSatisfying(e -> assertThat(e).isGreaterThan(epoch));
        });

        fixture.closeBroker();
        fixture.restart();
        assertThat(finalized(fixture.admin())).as("not bootstrapped again").doesNotContainKey(TV);
        update(fixture.admin(), 1, FeatureUpdate.UpgradeType.UPGRADE, false);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(finalized(fixture.admin()))
                .containsEntry(TV, new FinalizedVersionRange((short) 1, (short) 1)));
    }

    @Test
    void levelsAndFeaturesTheBrokerDoesNotServeAreRefusedAndNothingChanges() throws Exception {
        fixture = BrokerFixture.start(dataDir);
        Admin admin = fixture.admin();

        assertThatThrownBy(() -> update(admin, 3, FeatureUpdate.UpgradeType.UPGRADE, false))
                .hasCauseInstanceOf(InvalidUpdateVersionException.class)
                .hasMessageContaining("not supported");
        assertThatThrownBy(() -> admin.updateFeatures(Map.of(TV, new FeatureUpdate((short) 1,
                        FeatureUpdate.UpgradeType.SAFE_DOWNGRADE), "no.such.feature", new FeatureUpdate((short) 1,
                        FeatureUpdate.UpgradeType.UPGRADE)), new UpdateFeaturesOptions()).all().get())
                .hasCauseInstanceOf(InvalidUpdateVersionException.class);
        assertThat(finalized(admin)).containsEntry(TV, new FinalizedVersionRange((short) 2, (short) 2));
    }

    private static Map<String, FinalizedVersionRange> finalized(Admin admin) throws Exception {
        return admin.describeFeatures().featureMetadata().get().finalizedFeatures();
    }

    private static void update(Admin admin, int level, FeatureUpdate.UpgradeType type, boolean validateOnly)
            throws ExecutionException, InterruptedException {
        admin.updateFeatures(Map.of(TV, new FeatureUpdate((short) level, type)),
                new UpdateFeaturesOptions().validateOnly(validateOnly)).all().get();
    }
}

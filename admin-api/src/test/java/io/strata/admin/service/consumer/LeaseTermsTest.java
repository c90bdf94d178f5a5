package io.strata.admin.service.consumer;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class LeaseTermsTest {
    private final LeaseTerms terms = new LeaseTerms(Duration.ofSeconds(15));

    @Test
    void aLeaseIsRenewedEveryThirdOfIt() {
        assertThat(terms.renewDue(4_999, 0)).isFalse();
        assertThat(terms.renewDue(5_000, 0)).isTrue();
        assertThat(terms.expiryFrom(1_000)).isEqualTo(16_000);
    }

    @Test
    void theOwnerGivesUpAFifthOfTheLeaseBeforeItLapses() {
        assertThat(terms.mustGiveUp(11_999, 15_000)).isFalse();
        assertThat(terms.mustGiveUp(12_000, 15_000)).isTrue();
    }

    @Test
    void leasesAreCheckedOftenEnoughToBeGivenUpWithinTheMargin() {
        assertThat(terms.checkEveryMs()).isLessThan(Duration.ofSeconds(15).toMillis() / 5);
        assertThat(new LeaseTerms(Duration.ofSeconds(2)).checkEveryMs()).isLessThan(400);
    }
}

package io.strata.engine.config;

import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TopicConfigsTest {

    @Test
    void everyTopicConfigHasItsOwnBrokerSynonymWhichLeadsBackToIt() {
        for (TopicConfigs.Definition def : TopicConfigs.definitions()) {
            assertThat(def.brokerSynonym()).as(def.name()).isNotBlank();
            assertThat(TopicConfigs.forBrokerSynonym(def.brokerSynonym())).as(def.name()).contains(def);
        }
        assertThat(TopicConfigs.forBrokerSynonym("retention.ms")).as("a topic name is no broker name").isEmpty();
    }

    @Test
    void aBrokerSynonymIsValidatedByItsTopicConfigsCheckWithAMessageNamingTheBrokerConfig() {
        TopicConfigs.validateBrokerSynonym("log.retention.ms", "-1");
        assertThatThrownBy(() -> TopicConfigs.validateBrokerSynonym("log.retention.ms", "-2"))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("Invalid value -2 for configuration log.retention.ms: must be at least -1");
        assertThatThrownBy(() -> TopicConfigs.validateBrokerSynonym("log.cleanup.policy", "shred"))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("log.cleanup.policy");
        assertThatThrownBy(() -> TopicConfigs.validateBrokerSynonym("retention.ms", "1"))
                .isInstanceOf(InvalidConfigurationException.class).hasMessage("Unknown broker config name: retention.ms");
    }

    @Test
    void theDocumentationOfAConfigThatIsNotEnforcedSaysSo() {
        TopicConfigs.Definition enforced = TopicConfigs.definition("retention.ms").orElseThrow();
        TopicConfigs.Definition notEnforced = new TopicConfigs.Definition(enforced.name(), enforced.type(),
                enforced.defaultValue(), enforced.brokerSynonym(), enforced.documentation(), false);

        assertThat(enforced.describedDocumentation()).isEqualTo(enforced.documentation());
        assertThat(notEnforced.describedDocumentation()).startsWith(enforced.documentation())
                .endsWith(TopicConfigs.NOT_ENFORCED_NOTE);
    }
}
